package io.ulidmesh.migration.service;

import io.ulidmesh.migration.dialect.Dialect;
import io.ulidmesh.migration.dialect.KeyKind;
import io.ulidmesh.migration.dialect.TableRef;
import io.ulidmesh.migration.domain.Checkpoint;
import io.ulidmesh.migration.domain.RateMeter;
import io.ulidmesh.migration.domain.Throttle;
import io.ulidmesh.migration.domain.UlidSequence;
import io.ulidmesh.migration.store.MigrationStore;
import io.ulidmesh.migration.store.StoredMigration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    private final MigrationStore store;
    private final MigrationMetrics metrics;
    private final RateMeter meter = new RateMeter(5_000_000_000L);
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile long done;
    private volatile long total;

    BackfillLoop(MigrationStore store, MigrationMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
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
    boolean run(StoredMigration stored, Dialect dialect, Connection connection) throws SQLException, InterruptedException {
        String id = stored.migration().id();
        TableRef t = stored.ref();
        String target = stored.migration().spec().target();
        Checkpoint checkpoint = stored.checkpoint();
        UlidSequence ulids = new UlidSequence(checkpoint.lastUlid());
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(dialect.countProgress(t))) {
            rs.next();
            total = rs.getLong(1);
            done = rs.getLong(2);
        }
        long start = System.nanoTime();
        meter.start(start);
        Throttle throttle = new Throttle(stored.migration().spec().maxRowsPerSecond(), start);
        int batchSize = throttle.batchSize(stored.migration().spec().batchSize());
        String key = checkpoint.key();
        int pass = checkpoint.pass();
        boolean behindVerified = false;
        LOG.infof("migration %s backfill of %s.%s runs: %d of %d rows have a ULID, pass %d from key %s, batch %d, max %d rows/s",
                id, target, t.table(), done, total, pass, key == null ? "(first)" : key, batchSize, stored.migration().spec().maxRowsPerSecond());
        while (!stopRequested()) {
            List<Object> keys = new ArrayList<>(batchSize);
            List<String> values = new ArrayList<>(batchSize);
            Object lastKey = null;
            try (PreparedStatement select = connection.prepareStatement(dialect.selectBatch(t, key != null))) {
                int p = 1;
                if (key != null) {
                    select.setObject(p++, t.keyKind().parse(key));
                }
                select.setInt(p, batchSize);
                long now = System.currentTimeMillis();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        lastKey = t.keyKind() == KeyKind.INTEGER ? (Object) rs.getLong(1) : rs.getString(1);
                        long millis = rs.getLong(2);
                        boolean unknownTime = rs.wasNull();
                        if (rs.getBoolean(3)) {
                            keys.add(lastKey);
                            values.add(ulids.next(unknownTime ? now : millis));
                        }
                    }
                }
            }
            if (lastKey == null) {
                // The walk reached the last key: nothing lies beyond the cursor right now.
                if (behindVerified || key == null) {
                    store.checkpoint(id, new Checkpoint(key, ulids.last(), pass), done, total, meter.rate());
                    return true;
                }
                total = Dialect.queryLong(connection, dialect.countRows(t));
                if (countNullsBehind(dialect, connection, t, key) == 0) {
                    // Rows the old code appends land beyond the cursor: walk on to them, then stop.
                    behindVerified = true;
                    continue;
                }
                // Rows behind the cursor lack a ULID (inserted there meanwhile, or a batch lost to a
                // crash after its checkpoint): another pass from the first key.
                key = null;
                pass++;
                store.checkpoint(id, new Checkpoint(null, ulids.last(), pass), done, total, meter.rate());
                continue;
            }
            key = lastKey.toString();
            store.checkpoint(id, new Checkpoint(key, ulids.last(), pass), done, total, meter.rate());
            if (keys.isEmpty()) {
                continue;
            }
            long began = System.nanoTime();
            int written = write(dialect, connection, t, keys, values);
            long ended = System.nanoTime();
            done += written;
            total = Math.max(total, done);
            meter.record(written, ended);
            metrics.batch(target, written, ended - began);
            long wait = throttle.record(keys.size(), ended);
            if (wait > 0 && stop.await(wait, TimeUnit.NANOSECONDS)) {
                break;
            }
        }
        store.checkpoint(id, new Checkpoint(key, ulids.last(), pass), done, total, meter.rate());
        return false;
    }

    private static long countNullsBehind(Dialect dialect, Connection connection, TableRef t, String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(dialect.countNullsBehind(t))) {
            ps.setObject(1, t.keyKind().parse(key));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int write(Dialect dialect, Connection connection, TableRef t, List<Object> keys, List<String> values) throws SQLException {
        connection.setAutoCommit(false);
        try {
            int written = dialect.writeBatch(connection, t, keys, values);
            connection.commit();
            return written;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
