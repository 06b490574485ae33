package io.ulidmesh.migration.store;

import java.sql.SQLException;

/** Wraps the worker database's failures; the shared error mapping turns connection loss into UNAVAILABLE. */
final class Sql {
    private Sql() {
    }

    static RuntimeException failure(SQLException e) {
        return new IllegalStateException("worker database: " + e.getMessage(), e);
    }
}
