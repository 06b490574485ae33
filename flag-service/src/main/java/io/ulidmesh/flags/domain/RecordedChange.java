package io.ulidmesh.flags.domain;

import java.time.Instant;

/**
 * One change of the global sequence. {@code flag} is the state after an UPSERTED change and the
 * last state of a DELETED flag; {@code before} is null when the change created the flag (and is
 * not loaded where only the change stream is needed).
 */
public record RecordedChange(long revision, ChangeType type, FlagState flag, FlagState before,
                             Instant at, String actor, String reason) {

    /** The state after the change; null when the change deleted the flag. */
    public FlagState after() {
        return type == ChangeType.DELETED ? null : flag;
    }
}
