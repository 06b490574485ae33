package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.TableRef;
import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetSession;
import io.ulidmesh.migration.domain.target.TargetSession.BatchRow;
import io.ulidmesh.migration.domain.target.TargetSession.RowCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import org.jboss.logging.Logger;

/**
 * One backfill run over a target table: batches in key order, writing the rows whose ULID is NULL.
 * At the last key it counts the NULLs behind the cursor: none, and it walks on to the rows appended
 * meanwhile and stops when nothing lies beyond the cursor; some, and it starts another pass from the
 * first key. So rows the old code inserts during the backfill are covered, and a steady writer that
 * appends rows cannot keep it running forever.
 *
 * <p>Commit order, per batch: first the worker's checkpoint (the batch's last key and the last ULID
 * the batch will use), then the batch on the target. The target and the worker's database cannot
 * commit atomically together, so the order decides what a kill -9 between the two commits means:
 * the checkpoint is ahead, the batch's rows are still NULL, the next pass picks them up, and the
 * generator continues after ULIDs that were never written, so no ULID is ever minted twice. The
 * other order could re-mint a ULID already written (same millisecond, same state) for another row.
 * The {@code AND ulid IS NULL} guard makes any re-run harmless: a value once written never changes.
 */
final class BackfillLoop {
    private static final Logger LOG = Logger.getLogger(BackfillLoop.class);
    /** Tries of a batch that meets a concurrent writer of the same rows, and the first pause between them (doubling). */
    private static final int CONFLICT_ATTEMPTS = 5;
    private static final long CONFLICT_PAUSE_MS = 10;

    private final MigrationRepository repository;
    private final MigrationListener listener;
    private final RateMeter meter = new RateMeter(5_000_000_000L);
    private final CountDownLatch stop = new CountDownLatch(1);
    /** A catch-up pass (Validate, Contract, following appends): its start is logged at DEBUG, not INFO. */
    private final boolean catchUp;
    private volatile long done;
    private volatile long total;
    private long written;

    private final AutoThrottle autoThrottle;
    /** Held while a batch writes, so the worker's own writers to one table (a backfill, a follower, a catch-up) take turns. */
    private final Lock tableWrites;

    /**
     * {@code autoThrottle}: what holds a (non-catch-up) backfill back while the database is under
     * strain; {@code tableWrites}: the lock of the target table, shared by every loop on it.
     */
    BackfillLoop(MigrationRepository repository, MigrationListener listener, boolean catchUp, AutoThrottle autoThrottle, Lock tableWrites) {
        this.repository = repository;
        this.listener = listener;
        this.catchUp = catchUp;
        this.autoThrottle = catchUp ? AutoThrottle.NONE : autoThrottle;
        this.tableWrites = tableWrites;
    }

    /** Batch size and throttle handed in by Tune; the loop picks them up before its next batch. */
    private record Tuning(int batchSize, int maxRowsPerSecond) {
    }

    private final AtomicReference<Tuning> tuning = new AtomicReference<>();

    void retune(int batchSize, int maxRowsPerSecond) {
        tuning.set(new Tuning(batchSize, maxRowsPerSecond));
    }

    /** Rows this loop gave a ULID. */
    long written() {
        return written;
    }

    void requestStop() {
        stop.countDown();
    }

    boolean stopRequested() {
        return stop.getCount() == 0;
    }

    long done() {
        return done;
    }

    long total() {
        return total;
    }

    double rate() {
        return meter.rate();
    }

    /** Runs until no NULL remains (true) or a stop is requested (false). */
    boolean run(StoredMigration stored, TargetSession target) throws InterruptedException {
        String id = stored.migration().id();
        TableRef t = stored.ref();
        UlidColumnSpec spec = stored.migration().spec();
        Checkpoint checkpoint = stored.checkpoint();
        UlidSequence ulids = new UlidSequence(checkpoint.lastUlid());
        RowCounts counts = target.countProgress(t);
        total = counts.rows();
        done = counts.withUlid();
        long start = System.nanoTime();
        meter.start(start);
        Throttle throttle = new Throttle(spec.maxRowsPerSecond(), start);
        int batchSize = throttle.batchSize(spec.batchSize());
        String key = checkpoint.key();
        int pass = checkpoint.pass();
        boolean behindVerified = false;
        LOG.logf(catchUp ? Logger.Level.DEBUG : Logger.Level.INFO, "migration %s backfill of %s.%s runs: %d of %d rows have a ULID, pass %d from key %s, batch %d, max %d rows/s",
                id, spec.target(), t.table(), done, total, pass, key == null ? "(first)" : key, batchSize, spec.maxRowsPerSecond());
        AutoThrottle.Gate gate = autoThrottle.gate();
        while (!stopRequested()) {
            if (!gate.pass(id, spec.target(), target, stop)) {
                break;
            }
            Tuning tuned = tuning.getAndSet(null);
            if (tuned != null) {
                throttle = new Throttle(tuned.maxRowsPerSecond(), System.nanoTime());
                batchSize = throttle.batchSize(tuned.batchSize());
                LOG.infof("migration %s backfill retuned: batch %d, max %d rows/s from the next batch", id, batchSize,
                        tuned.maxRowsPerSecond());
            }
            long now = System.currentTimeMillis();
            List<BatchRow> rows = target.selectBatch(t, key, batchSize);
            if (rows.isEmpty()) {
                // The walk reached the last key: nothing lies beyond the cursor right now.
                if (behindVerified || key == null) {
                    repository.checkpoint(id, new Checkpoint(key, ulids.last(), pass), done, total, meter.rate());
                    return true;
                }
                total = target.countRows(t);
                if (target.countNullsBehind(t, key) == 0) {
                    // Rows the old code appends land beyond the cursor: walk on to them, then stop.
                    behindVerified = true;
                    continue;
                }
                // Rows behind the cursor lack a ULID (inserted there meanwhile, or a batch lost to a
                // crash after its checkpoint): another pass from the first key.
                key = null;
                pass++;
                repository.checkpoint(id, new Checkpoint(null, ulids.last(), pass), done, total, meter.rate());
                continue;
            }
            List<Object> keys = new ArrayList<>(rows.size());
            List<String> values = new ArrayList<>(rows.size());
            for (BatchRow row : rows) {
                if (row.lacksUlid()) {
                    keys.add(row.key());
                    values.add(ulids.next(row.epochMillis() == null ? now : row.epochMillis()));
                }
            }
            key = rows.get(rows.size() - 1).key().toString();
            // The checkpoint commits before the batch: see the class comment.
            repository.checkpoint(id, new Checkpoint(key, ulids.last(), pass), done, total, meter.rate());
            if (keys.isEmpty()) {
                continue;
            }
            long began = System.nanoTime();
            int written = writeBatch(id, target, t, keys, values);
            long ended = System.nanoTime();
            done += written;
            this.written += written;
            total = Math.max(total, done);
            meter.record(written, ended);
            listener.batchWritten(spec.target(), written, ended - began);
            long wait = throttle.record(keys.size(), ended);
            if (wait > 0 && stop.await(wait, TimeUnit.NANOSECONDS)) {
                break;
            }
        }
        repository.checkpoint(id, new Checkpoint(key, ulids.last(), pass), done, total, meter.rate());
        return false;
    }

    /**
     * One batch, under the table's lock. A batch that met a concurrent writer of the same rows was
     * rolled back whole, so it is written again (rows that writer filled are skipped by the batch's
     * {@code IS NULL} guard), a few times with growing pauses, before the backfill fails.
     */
    private int writeBatch(String id, TargetSession target, TableRef t, List<Object> keys, List<String> values) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            tableWrites.lock();
            try {
                return target.writeBatch(t, keys, values);
            } catch (TargetFailure e) {
                if (!e.concurrentWrite() || attempt == CONFLICT_ATTEMPTS) {
                    throw e;
                }
                LOG.warnf("migration %s: a batch of %d rows met a concurrent write on %s (%s); writing it again, attempt %d of %d",
                        id, keys.size(), t.table(), e.engineMessage(), attempt + 1, CONFLICT_ATTEMPTS);
            } finally {
                tableWrites.unlock();
            }
            if (stop.await(CONFLICT_PAUSE_MS << attempt, TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("stopped while a conflicted batch waited to be written again");
            }
        }
    }
}
