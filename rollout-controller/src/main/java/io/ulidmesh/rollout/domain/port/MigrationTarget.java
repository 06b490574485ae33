package io.ulidmesh.rollout.domain.port;

/** A database registered on the worker: its name, engine and JDBC URL. */
public record MigrationTarget(String name, String dialect, String jdbcUrl) {
}
