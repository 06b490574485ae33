package io.ulidmesh.resolution.domain;

import java.util.List;
import java.util.Map;

/**
 * A registration as a caller sent it, not yet validated; an empty {@code ulid} asks for a generated
 * one. {@code actor} is who asks.
 */
public record RegisterCommand(String ulid, String system, String referenceType, String reference,
                              Map<String, String> metadata, List<String> relatedUlids, String actor) {
}
