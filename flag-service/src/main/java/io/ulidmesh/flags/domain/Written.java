package io.ulidmesh.flags.domain;

/** The outcome of a write: the flag now, and the recorded change (null when nothing changed). */
public record Written(FlagState flag, RecordedChange change) {
}
