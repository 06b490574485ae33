package io.ulidmesh.flags.domain;

/** What a recorded change did to its flag. */
public enum ChangeType {
    UPSERTED,
    DELETED
}
