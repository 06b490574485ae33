package io.ulidmesh.rollout.domain;

/** States of a rollout (ARCHITECTURE.md). */
public enum RolloutState {
    PENDING, RUNNING, PAUSED, ROLLING_BACK, ROLLED_BACK, COMPLETED, ABORTED, FAILED;

    /** States the engine works on. */
    public boolean active() {
        return this == RUNNING || this == ROLLING_BACK;
    }
}
