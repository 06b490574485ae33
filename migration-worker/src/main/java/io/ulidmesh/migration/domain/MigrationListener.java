package io.ulidmesh.migration.domain;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/** What the steps and backfills report as they go (the service's meters listen). */
public interface MigrationListener {
    /** A backfill batch wrote {@code rows} ULIDs on {@code target} in {@code nanos}. */
    void batchWritten(String target, long rows, long nanos);

    /**
     * A backfill of {@code migrationId} runs; {@code rate} reads its recent rows per second,
     * {@code done} the table's rows with a ULID and {@code total} the table's rows, as it last counted them.
     */
    void backfillRunning(String migrationId, DoubleSupplier rate, LongSupplier done, LongSupplier total);

    void backfillStopped(String migrationId);

    void validated(String target, boolean passed);

    void stepDone(Step step, boolean ok);

    /** A step on {@code target} waits {@code nanos} before retrying DDL that did not get its lock. */
    void lockWaited(String target, long nanos);

    /** A backfill on {@code target} was held back {@code nanos} by the auto-throttle. */
    void throttled(String target, long nanos);

    /** A migration on {@code target} was given a new batch size or throttle. */
    void tuned(String target);
}
