package io.ulidmesh.flags.domain;

/** The result of evaluating one flag for one entity; version 0 when the flag does not exist. */
public record EvaluationResult(String flag, String entityId, boolean enabled, int bucket, Reason reason,
                               long version) {
}
