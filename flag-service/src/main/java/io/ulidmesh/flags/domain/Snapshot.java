package io.ulidmesh.flags.domain;

import java.util.List;

/**
 * Every live flag as the UPSERTED change that made its current state, in revision order, read
 * together with the latest revision of the sequence ({@code head}).
 */
public record Snapshot(List<RecordedChange> flags, long head) {
}
