package io.ulidmesh.bench.migration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Inserts rows the way old application code does (naming its columns, no ULID, one commit each)
 * at a fixed rate, timing each insert from its scheduled time (corrected for coordinated omission).
 */
final class InsertWriter implements AutoCloseable {
    /** Ids of inserted rows, far above the seeded ones and never reused across writers. */
    private static final AtomicLong NEXT_ID = new AtomicLong(100_000_000L);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    InsertWriter(String url, String table, int rate, Histogram latency) {
        long intervalNanos = 1_000_000_000L / rate;
        thread = new Thread(() -> {
            try (Connection c = connect(url);
                 PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, legacy_id, created_at, payload)"
                         + " VALUES (?, ?, CURRENT_TIMESTAMP, 'new')")) {
                long due = System.nanoTime();
                while (running.get()) {
                    long now = System.nanoTime();
                    if (now < due) {
                        TimeUnit.NANOSECONDS.sleep(due - now);
                    }
                    long next = NEXT_ID.getAndIncrement();
                    insert.setLong(1, next);
                    insert.setString(2, "job-" + next);
                    insert.executeUpdate();
                    latency.recordValueWithExpectedInterval((System.nanoTime() - due) / 1000, intervalNanos / 1000);
                    due += intervalNanos;
                }
            } catch (Exception e) {
                throw new IllegalStateException("writer failed", e);
            }
        }, "writer-" + table);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }

    /** PostgreSQL as postgres; SQLite waiting up to 10 s for its lock. */
    static Connection connect(String url) throws SQLException {
        if (url.startsWith("jdbc:postgresql:")) {
            return DriverManager.getConnection(url, "postgres", "");
        }
        Connection c = DriverManager.getConnection(url);
        if (url.startsWith("jdbc:sqlite:")) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
            }
        }
        return c;
    }
}
