package io.ulidmesh.migration.domain.target;

import io.ulidmesh.common.error.DomainException;

/** The engines the worker speaks, told apart by their JDBC URL prefix. */
public enum Engine {
    POSTGRESQL("jdbc:postgresql:"), SQLITE("jdbc:sqlite:"), DUCKDB("jdbc:duckdb:");

    private final String prefix;

    Engine(String prefix) {
        this.prefix = prefix;
    }

    public static Engine ofUrl(String jdbcUrl) {
        for (Engine engine : values()) {
            if (jdbcUrl != null && jdbcUrl.startsWith(engine.prefix)) {
                return engine;
            }
        }
        throw DomainException.invalid("jdbc_url '" + jdbcUrl + "' is not jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb:");
    }
}
