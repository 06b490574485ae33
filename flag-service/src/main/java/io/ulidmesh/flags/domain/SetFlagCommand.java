package io.ulidmesh.flags.domain;

/**
 * A validated SetFlag. {@code basisPoints} is null when the request names no state (an existing
 * flag keeps its own, a new one starts off); empty description or cohort keeps the existing one.
 */
public record SetFlagCommand(String name, Integer basisPoints, String reason, long expectedVersion,
                             String description, String cohort) {
}
