package io.ulidmesh.migration.domain;

import java.util.function.DoubleSupplier;

/** What the steps and backfills report as they go (the service's meters listen). */
public interface MigrationListener {
    /** A backfill batch wrote {@code rows} ULIDs on {@code target} in {@code nanos}. */
    void batchWritten(String target, long rows, long nanos);

    /** A backfill of {@code migrationId} runs; {@code rate} reads its recent rows per second. */
    void backfillRunning(String migrationId, DoubleSupplier rate);

    void backfillStopped(String migrationId);

    void validated(String target, boolean passed);

    void stepDone(Step step, boolean ok);
}
