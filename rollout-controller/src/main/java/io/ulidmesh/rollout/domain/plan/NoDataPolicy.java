package io.ulidmesh.rollout.domain.plan;

/** What a pulled signal without data means: never a silent pass. */
public enum NoDataPolicy {
    /** Record the gap and keep waiting; the phase's bake does not complete while data is missing. */
    WAIT,
    /** Count the gap as a breach of every rule on the signal. */
    BREACH
}
