package io.ulidmesh.rollout.domain;

import java.time.Instant;

/** One entry of a rollout's event log. */
public record RolloutEventRecord(String rolloutId, long sequence, Instant at, EventType type, String phase,
                                 String message, String actor) {

    /** What happened; mirrors the proto's RolloutEventType. */
    public enum EventType {
        CREATED, STARTED, PHASE_STARTED, FLAG_SET, MIGRATION_STEP, PHASE_BAKING, PHASE_COMPLETED, SIGNAL_BREACHED,
        ROLLBACK_STARTED, PHASE_ROLLED_BACK, PAUSED, RESUMED, PROMOTED, COMPLETED, ABORTED, FAILED, SIGNAL_NO_DATA
    }
}
