package io.ulidmesh.resolution.domain;

/** The link as stored, and whether this call created it. */
public record LinkOutcome(Edge edge, boolean created) {
}
