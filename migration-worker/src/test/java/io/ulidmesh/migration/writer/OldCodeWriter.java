package io.ulidmesh.migration.writer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The old application code as a process of its own: inserts into {@code jobs} at a steady rate,
 * naming its columns and never the ULID column, until its standard input closes. Row {@code n}'s
 * created_at is 2025-06-01 00:00:00 plus n seconds. DuckDB lets one process at a time write a
 * file, so there it opens the file every quarter second for the rows due by then (the same rate on
 * average) and waits while the worker holds it.
 *
 * <p>Arguments: engine (POSTGRESQL, SQLITE, DUCKDB), JDBC URL, user, password, first id, rows per
 * second. Prints {@code started}, then at the end {@code done <rows> p50_ms <x> p99_ms <y> max_ms <z>}
 * (insert latencies, DuckDB's including the wait for the file), or {@code failed <message>} and exits 1.
 */
public final class OldCodeWriter {
    private static final String INSERT = "INSERT INTO jobs (id, legacy_id, created_at, payload) VALUES (?, ?, ?, ?)";
    private static final DateTimeFormatter SQLITE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    public static final LocalDateTime BASE_TIME = LocalDateTime.of(2025, 6, 1, 0, 0);

    private OldCodeWriter() {
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        String url = args[1];
        long next = Long.parseLong(args[4]);
        double rate = Double.parseDouble(args[5]);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    // any line or the end of input stops the writer
                    break;
                }
            } catch (Exception ignored) {
                // the end of input, all the same
            }
            running.set(false);
        });
        stdin.setDaemon(true);
        stdin.start();
        long[] latencies = new long[1 << 20];
        int count = 0;
        Connection kept = engine.equals("DUCKDB") ? null : connect(engine, url, args[2], args[3]);
        System.out.println("started");
        System.out.flush();
        long start = System.nanoTime();
        long first = next;
        try {
            while (running.get()) {
                long due = first + (long) ((System.nanoTime() - start) / 1e9 * rate);
                if (next >= due) {
                    Thread.sleep(1);
                    continue;
                }
                long began = System.nanoTime();
                Connection c = kept != null ? kept : connect(engine, url, args[2], args[3]);
                try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                    // DuckDB: a round's rows in one transaction, so the file is held briefly even when behind.
                    c.setAutoCommit(kept != null);
                    while (next < due) {
                        insert.setLong(1, next);
                        insert.setString(2, "job-" + next);
                        LocalDateTime time = BASE_TIME.plusSeconds(next - first);
                        if (engine.equals("SQLITE")) {
                            insert.setString(3, SQLITE_TIME.format(time));
                        } else {
                            insert.setObject(3, time);
                        }
                        insert.setString(4, "old code");
                        insert.executeUpdate();
                        long ended = System.nanoTime();
                        if (count < latencies.length) {
                            latencies[count] = ended - began;
                        }
                        count++;
                        next++;
                        began = ended;
                    }
                    if (kept == null) {
                        c.commit();
                    }
                } finally {
                    if (kept == null) {
                        c.close();
                    }
                }
                if (kept == null) {
                    // Leave the file to the worker between rounds, even when behind.
                    Thread.sleep(250);
                }
            }
        } catch (Exception e) {
            System.out.println("failed " + e);
            System.out.flush();
            System.exit(1);
        }
        long[] sorted = Arrays.copyOf(latencies, Math.min(count, latencies.length));
        Arrays.sort(sorted);
        System.out.printf(java.util.Locale.ROOT, "done %d p50_ms %.3f p99_ms %.3f max_ms %.3f%n", count, percentile(sorted, 0.50),
                percentile(sorted, 0.99), sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1e6);
        System.out.flush();
        System.exit(0);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** DuckDB's file lock is waited for here like SQLite's busy_timeout does for its lock. */
    private static Connection connect(String engine, String url, String user, String password) throws Exception {
        switch (engine) {
            case "POSTGRESQL":
                return DriverManager.getConnection(url, user, password);
            case "SQLITE": {
                Connection c = new org.sqlite.JDBC().connect(url, new Properties());
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 10000");
                }
                return c;
            }
            default:
                while (true) {
                    try {
                        return new org.duckdb.DuckDBDriver().connect(url, new Properties());
                    } catch (SQLException e) {
                        if (!String.valueOf(e.getMessage()).contains("Could not set lock on file")) {
                            throw e;
                        }
                        Thread.sleep(2);
                    }
                }
        }
    }
}
