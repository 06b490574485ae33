package io.ulidmesh.migration.domain;

/**
 * Keeps a backfill at or under {@code max_rows_per_second}: after each batch the runner waits
 * until the rows done so far are "due" at the asked rate. Batches are capped at half a second's
 * worth so the rate stays even instead of arriving in large bursts.
 */
public final class Throttle {
    private final int rowsPerSecond;
    private final long startNanos;
    private long rows;

    public Throttle(int rowsPerSecond, long startNanos) {
        this.rowsPerSecond = rowsPerSecond;
        this.startNanos = startNanos;
    }

    /** The batch size to use: the spec's, capped at half a second of the throttled rate. */
    public int batchSize(int specBatchSize) {
        return rowsPerSecond <= 0 ? specBatchSize : Math.max(1, Math.min(specBatchSize, rowsPerSecond / 2));
    }

    /** Records {@code done} rows and returns how many nanoseconds to wait before the next batch. */
    public long record(long done, long nowNanos) {
        rows += done;
        if (rowsPerSecond <= 0) {
            return 0;
        }
        long dueAt = startNanos + rows * 1_000_000_000L / rowsPerSecond;
        return Math.max(0, dueAt - nowNanos);
    }
}
