package io.ulidmesh.migration.domain.target;

import java.util.List;
import java.util.Optional;

/**
 * An engine's SQL for each step and how its catalog types classify, without a connection (Plan
 * shows these texts). Every identifier is a name resolved from the target's catalog, or derived
 * from the migration id, and quoted; values are always bound parameters.
 */
public interface TargetSql {
    /** The name a new ULID column gets (PostgreSQL folds unquoted names to lower case). */
    String newColumnName(String requested);

    /** How keys of this column are bound, or empty when its type cannot order a backfill. */
    Optional<KeyKind> keyKind(Column column);

    /** Whether values of this column can give a ULID its time. */
    boolean isTimestamp(Column column);

    /**
     * The statements that add the ULID column and, in the same transaction, the write-sync (so no
     * row inserted meanwhile is missed by both it and the backfill); each is idempotent.
     */
    List<SqlGroup> expand(TableRef t);

    /**
     * The write-sync alone: a trigger that gives each row inserted without a ULID one, by the
     * backfill's time rule; idempotent. Empty for engines without triggers ({@link #followsAppends}).
     */
    List<SqlGroup> writeSync(TableRef t);

    /** Removes what {@link #writeSync} created; idempotent; empty when it creates nothing. */
    List<SqlGroup> dropWriteSync(TableRef t);

    /** True for engines without triggers: the worker itself follows appended rows until Contract. */
    default boolean followsAppends() {
        return false;
    }

    String countRows(TableRef t);

    /** One row: rows, rows with a ULID. */
    String countProgress(TableRef t);

    /** The next keys in key order with the row's time in epoch milliseconds and whether it lacks a ULID. */
    String selectBatch(TableRef t, boolean afterKey);

    /** The statement that writes a batch's ULIDs; rows that already have one are never touched. */
    String updateBatch(TableRef t);

    /** Rows without a ULID at or behind the cursor (the key bound as the parameter). */
    String countNullsBehind(TableRef t);

    /** One row: rows, NULL ULIDs, non-NULL values that are not canonical ULIDs. */
    String validateCounts(TableRef t);

    /** ULID values held by more than one row. */
    String duplicates(TableRef t);

    /** Contract's groups in order; the archive-and-drop only while the legacy column is still there. */
    List<SqlGroup> contract(TableRef t, boolean legacyPresent);

    /** Rollback's groups in order: undo Contract's constraints, restore the legacy column, drop the ULID column. */
    List<SqlGroup> rollback(TableRef t, boolean restoreLegacy, boolean restoreNotNull, boolean ulidPresent);
}
