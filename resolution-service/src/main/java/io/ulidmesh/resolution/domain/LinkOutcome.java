package io.ulidmesh.resolution.domain;

/** The link as stored, and whether this call created it. */
public record LinkOutcome(Link link, boolean created) {
}
