package io.ulidmesh.migration.domain.target;

import io.ulidmesh.common.error.DomainException;

/** The engines the worker speaks, told apart by their JDBC URL prefix. */
public enum Engine {
    POSTGRESQL("jdbc:postgresql:", "PostgreSQL"), SQLITE("jdbc:sqlite:", "SQLite"), DUCKDB("jdbc:duckdb:", "DuckDB");

    private final String prefix;
    private final String label;

    Engine(String prefix, String label) {
        this.prefix = prefix;
        this.label = label;
    }

    public String prefix() {
        return prefix;
    }

    public String label() {
        return label;
    }

    /** The URL itself is not repeated in the refusal: it may carry a secret. */
    public static Engine ofUrl(String jdbcUrl) {
        for (Engine engine : values()) {
            if (jdbcUrl != null && jdbcUrl.startsWith(engine.prefix)) {
                return engine;
            }
        }
        throw DomainException.invalid("jdbc_url must start with jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb:");
    }
}
