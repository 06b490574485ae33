package io.ulidmesh.flags.domain;

/** Why an evaluation came out as it did (the proto's EvaluationReason). */
public enum Reason {
    FLAG_OFF,
    FLAG_ON,
    IN_ROLLOUT,
    OUT_OF_ROLLOUT,
    FLAG_NOT_FOUND
}
