package io.ulidmesh.migration.domain.target;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One open connection to a target database. Every method throws {@link TargetFailure} when the
 * target refuses or fails; the step that called it records that on the migration.
 */
public interface TargetSession extends AutoCloseable {
    TargetSql sql();

    /** The table in the target's default schema, matched exactly or else ignoring case; empty when absent. */
    Optional<TableInfo> describe(String table);

    default boolean hasTable(String table) {
        return describe(table).isPresent();
    }

    long countRows(TableRef t);

    /** Rows and rows with a ULID, counted in one statement so a concurrent insert cannot skew the pair. */
    RowCounts countProgress(TableRef t);

    /** Up to {@code limit} rows in key order after {@code afterKey} (null: from the first key). */
    List<BatchRow> selectBatch(TableRef t, String afterKey, int limit);

    /** Rows without a ULID at or behind {@code key}. */
    long countNullsBehind(TableRef t, String key);

    /** Writes one batch of ULIDs in one transaction; returns the rows changed. */
    int writeBatch(TableRef t, List<Object> keys, List<String> ulids);

    /** Rows, NULL ULIDs, non-canonical ULIDs and duplicated ULID values. */
    UlidCounts countUlids(TableRef t);

    /**
     * What would stop the legacy column from being dropped, or be lost with it (views, indexes,
     * constraints, triggers, or the engine's own refusal), as "kind name".
     */
    List<String> legacyDependents(TableRef t);

    /** Groups that clean up what an interrupted earlier Contract left behind. */
    List<SqlGroup> repairs(TableRef t);

    /** Whether every row has a non-NULL archived legacy value (so NOT NULL can come back). */
    boolean everyRowArchived(TableRef t);

    /**
     * The other sessions holding a lock on the table, as "session pid N (query started T, state S)",
     * oldest first; empty where the engine has no such view.
     */
    List<String> lockHolders(TableRef t);

    /** The largest replay lag of the target's replicas in seconds (PostgreSQL's pg_stat_replication); 0 without any. */
    double replicationLagSeconds();

    /** Runs a group, reporting each statement to {@code log} before it runs. */
    void run(SqlGroup group, Consumer<String> log);

    @Override
    void close();

    /** Rows of a table and how many of them have a ULID. */
    record RowCounts(long rows, long withUlid) {
    }

    /** What Validate counts on the target. */
    record UlidCounts(long rows, long nulls, long invalid, long duplicates) {
    }

    /** A row the backfill walks past: its key, its time (null when unknown) and whether it still lacks a ULID. */
    record BatchRow(Object key, Long epochMillis, boolean lacksUlid) {
    }
}
