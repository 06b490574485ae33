package io.ulidmesh.resolution.domain;

import java.util.List;

/** What Trace found: the origin, the other references in ULID order, and each link traversed once. */
public record TraceResult(RegisteredReference origin, List<RegisteredReference> related, List<Link> links) {
}
