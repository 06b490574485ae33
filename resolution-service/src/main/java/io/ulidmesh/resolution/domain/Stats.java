package io.ulidmesh.resolution.domain;

import java.util.Map;

/** Counts of the registry. */
public record Stats(long references, long links, Map<String, Long> referencesBySystem) {
}
