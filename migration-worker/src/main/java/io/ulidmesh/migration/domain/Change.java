package io.ulidmesh.migration.domain;

/** A state change and why, for the migration's event log. */
public record Change(String step, String actor, String reason, String detail) {
}
