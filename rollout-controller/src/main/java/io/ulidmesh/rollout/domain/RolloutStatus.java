package io.ulidmesh.rollout.domain;

/** States of a rollout (docs/architecture.md, "Rollout plans"); the proto's RolloutState. */
public enum RolloutStatus {
    PENDING, RUNNING, PAUSED, ROLLING_BACK, ROLLED_BACK, COMPLETED, ABORTED, FAILED
}
