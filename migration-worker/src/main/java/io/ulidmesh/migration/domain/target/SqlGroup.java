package io.ulidmesh.migration.domain.target;

import java.util.List;

/**
 * Statements that run together: in one transaction when {@code transactional}, else one by one in
 * autocommit (PostgreSQL's CREATE INDEX CONCURRENTLY cannot run inside a transaction).
 */
public record SqlGroup(String purpose, boolean transactional, List<String> sql) {
    public static SqlGroup tx(String purpose, String... sql) {
        return new SqlGroup(purpose, true, List.of(sql));
    }

    public static SqlGroup autocommit(String purpose, String... sql) {
        return new SqlGroup(purpose, false, List.of(sql));
    }
}
