package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.TableRef;
import java.util.List;
import java.util.Optional;

/**
 * Migrations, their checkpoints and their event log (the worker's own database). Transitions are
 * compare-and-set on the expected stage, so a background backfill and an RPC never overwrite each
 * other's move.
 */
public interface MigrationRepository {
    /** Stores a new migration and its first event together. */
    void insert(MigrationRecord migration, TableRef ref, Change change);

    Optional<StoredMigration> find(String id);

    /** Newest first, optionally of one target; {@code beforeId} empty for the first page. */
    List<StoredMigration> list(String target, String beforeId, int limit);

    List<StoredMigration> inStage(Stage stage);

    /**
     * Moves {@code id} from {@code expected} to {@code next} (settled stage {@code settled}) and logs
     * the change, in one transaction; false when the migration was no longer in {@code expected}.
     * A non-null {@code baselineRows} is recorded as the baseline and the total.
     */
    boolean transition(String id, Stage expected, Stage next, Stage settled, String lastError, Long baselineRows, Change change);

    /**
     * Sets the migration's batch size and throttle and logs the change, in one transaction; false
     * when it was no longer in {@code expected}.
     */
    boolean tune(String id, Stage expected, int batchSize, int maxRowsPerSecond, Change change);

    /** Saves the backfill's checkpoint and progress in one commit. */
    void checkpoint(String id, Checkpoint checkpoint, long rowsBackfilled, long rowsTotal, double rowsPerSecond);
}
