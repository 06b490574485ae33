package io.ulidmesh.rollout.domain;

/** States of one phase; the proto's PhaseState. */
public enum PhaseStatus {
    PENDING, APPLYING, BAKING, COMPLETED, ROLLED_BACK, FAILED;

    /** True when the phase may have changed something that a rollback must undo. */
    public boolean touched() {
        return this == APPLYING || this == BAKING || this == COMPLETED || this == FAILED;
    }
}
