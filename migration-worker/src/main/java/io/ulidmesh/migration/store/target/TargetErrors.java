package io.ulidmesh.migration.store.target;

import io.ulidmesh.migration.domain.target.TargetFailure;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteException;

/**
 * The worker's own words for an engine's failure: its kind and the engine's code (PostgreSQL's
 * SQLState, SQLite's result code, DuckDB's error type), never the engine's text, which may name
 * roles, hosts, files or row values. That text goes to the worker's log only.
 */
final class TargetErrors {
    /** DuckDB's messages start with their error type: "Constraint Error: ...". */
    private static final Pattern DUCKDB_TYPE = Pattern.compile("^([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*){0,2}) Error:");

    private TargetErrors() {
    }

    /** Whether the same statement may pass when tried again. */
    static TargetFailure.Transience transience(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("55P03")) {
            return TargetFailure.Transience.LOCK_NOT_GRANTED;
        }
        boolean duckDbConflict = !(e instanceof SQLiteException) && state.length() != 5
                && String.valueOf(e.getMessage()).startsWith("TransactionContext Error:");
        return state.equals("40P01") || state.equals("40001") || duckDbConflict ? TargetFailure.Transience.CONCURRENT_WRITE
                : TargetFailure.Transience.NONE;
    }

    static String summary(SQLException e) {
        String kind;
        String code;
        if (e instanceof SQLiteException sqlite) {
            code = sqlite.getResultCode().name();
            kind = sqliteKind(code);
        } else if (e.getSQLState() != null && e.getSQLState().length() == 5) {
            code = "SQLState " + e.getSQLState();
            kind = postgresKind(e.getSQLState());
        } else {
            Matcher type = DUCKDB_TYPE.matcher(e.getMessage() == null ? "" : e.getMessage());
            code = type.find() ? "DuckDB " + type.group(1) + " Error" : "no error code";
            kind = duckDbKind(code, e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT));
        }
        return "the target refused a statement: " + kind + " (" + code + "); the worker's log has the engine's message";
    }

    private static String postgresKind(String state) {
        return switch (state) {
            case "23505" -> "duplicate values violate a unique index or constraint";
            case "23502" -> "a NOT NULL constraint failed";
            case "55P03" -> "a lock was not granted within lock_timeout";
            case "40P01", "40001" -> "a concurrent transaction got in the way; retry";
            case "42501" -> "the target's user lacks a privilege";
            case "57014" -> "the statement was cancelled";
            case "42P01", "42703" -> "a table or column is missing";
            default -> state.startsWith("23") ? "a constraint failed"
                    : state.startsWith("08") ? "the connection to the target failed"
                    : state.startsWith("53") ? "the target ran out of a resource (disk, memory or connections)"
                    : "the statement failed";
        };
    }

    private static String sqliteKind(String code) {
        if (code.equals("SQLITE_CONSTRAINT_UNIQUE") || code.equals("SQLITE_CONSTRAINT_PRIMARYKEY")) {
            return "duplicate values violate a unique index or constraint";
        }
        if (code.equals("SQLITE_CONSTRAINT_NOTNULL")) {
            return "a NOT NULL constraint failed";
        }
        return code.startsWith("SQLITE_CONSTRAINT") ? "a constraint failed"
                : code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") ? "the database stayed locked beyond busy_timeout"
                : code.startsWith("SQLITE_READONLY") ? "the database file is read-only"
                : code.startsWith("SQLITE_FULL") ? "the disk is full"
                : "the statement failed";
    }

    private static String duckDbKind(String code, String message) {
        if (code.contains("Constraint")) {
            return message.contains("duplicate") ? "duplicate values violate a unique index or constraint"
                    : message.contains("not null") ? "a NOT NULL constraint failed" : "a constraint failed";
        }
        return code.contains("Dependency") ? "another object depends on what the statement changes"
                : code.contains("Transaction") ? "a concurrent transaction got in the way; retry"
                : "the statement failed";
    }
}
