package io.ulidmesh.bench.migration;

import io.grpc.ManagedChannel;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The old-code writer's insert latency around the migration worker's issue-15 features, each
 * against its baseline in the same run:
 *
 * <ul>
 *   <li>{@code sync}: inserts without a ULID into a table the worker expanded (ULID column plus its
 *   write-sync trigger) vs an identical table with the same column and no trigger. Two writers, one
 *   per table, run side by side in every round, so both meet the same machine at the same moments
 *   (a commit's fsync varies far more from second to second than the trigger costs); each round
 *   gives both p99s, and the rounds' samples are pooled for an overall p99 per table.</li>
 *   <li>{@code blocked}: PostgreSQL, another session holding a lock on the table for
 *   {@code --blocker-seconds}; the writer's p99/max while the worker's Expand waits (lock_timeout
 *   500 ms, retried with backoff) vs while a plain {@code ALTER TABLE ADD COLUMN} without
 *   lock_timeout waits, which queues every insert behind it until the blocker ends.</li>
 * </ul>
 *
 * <pre>
 * java -cp bench.jar:deps:sqlite-jdbc.jar io.ulidmesh.bench.migration.WriteSyncBench \
 *     --worker 127.0.0.1:18684 --mode sync,blocked --engines postgresql,sqlite --rounds 5 --seconds 5 --rate 200
 * </pre>
 * Latency is measured from each insert's scheduled time (corrected for coordinated omission).
 */
public final class WriteSyncBench {
    private final MigrationServiceGrpc.MigrationServiceBlockingStub worker;
    private final String pgAdmin;
    private final int rows;
    private final int rate;

    private WriteSyncBench(MigrationServiceGrpc.MigrationServiceBlockingStub worker, String pgAdmin, int rows, int rate) {
        this.worker = worker;
        this.pgAdmin = pgAdmin;
        this.rows = rows;
        this.rate = rate;
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = option(args, "worker", "127.0.0.1:18684").split(":");
        ManagedChannel channel = BenchChannels.plaintext(hostPort[0], Integer.parseInt(hostPort[1])).build();
        WriteSyncBench bench = new WriteSyncBench(MigrationServiceGrpc.newBlockingStub(channel),
                option(args, "pg", "jdbc:postgresql://127.0.0.1:5432/postgres"), Integer.parseInt(option(args, "rows", "20000")),
                Integer.parseInt(option(args, "rate", "200")));
        int rounds = Integer.parseInt(option(args, "rounds", "5"));
        int seconds = Integer.parseInt(option(args, "seconds", "5"));
        List<String> modes = List.of(option(args, "mode", "sync,blocked").split(","));
        if (modes.contains("sync")) {
            for (String engine : option(args, "engines", "postgresql,sqlite").split(",")) {
                bench.sync(engine.trim(), rounds, seconds);
            }
        }
        if (modes.contains("blocked")) {
            bench.blocked(Integer.parseInt(option(args, "blocker-seconds", "5")));
        }
        channel.shutdownNow();
    }

    /** Rounds of two writers side by side, one on the synced and one on the plain table; who starts first flips every round. */
    private void sync(String engine, int rounds, int seconds) throws Exception {
        Path dir = Files.createTempDirectory("ulidmesh-bench-sync");
        String name = "bench_sync_" + engine + "_" + Long.toString(System.currentTimeMillis(), 36);
        String url = engine.equals("postgresql") ? createPgDatabase(name) : "jdbc:sqlite:" + dir.resolve("sync.db");
        try {
            try (Connection c = InsertWriter.connect(url); Statement s = c.createStatement()) {
                seed(s, engine, "jobs");
                seed(s, engine, "jobs_plain");
                s.execute("ALTER TABLE jobs_plain ADD COLUMN job_ulid VARCHAR(26)");
            }
            StepRequest step = expand(engine, name, url, "jobs");
            List<Double> plain = new ArrayList<>();
            List<Double> synced = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            Histogram pooledSynced = new Histogram(60_000_000L, 3);
            Histogram pooledPlain = new Histogram(60_000_000L, 3);
            for (int round = 0; round < rounds; round++) {
                Histogram hs = new Histogram(60_000_000L, 3);
                Histogram hp = new Histogram(60_000_000L, 3);
                boolean syncFirst = round % 2 == 0;
                try (InsertWriter first = new InsertWriter(url, syncFirst ? "jobs" : "jobs_plain", rate, syncFirst ? hs : hp);
                     InsertWriter second = new InsertWriter(url, syncFirst ? "jobs_plain" : "jobs", rate, syncFirst ? hp : hs)) {
                    Thread.sleep(seconds * 1000L);
                }
                synced.add(hs.getValueAtPercentile(99) / 1000.0);
                plain.add(hp.getValueAtPercentile(99) / 1000.0);
                ratios.add(synced.get(round) / plain.get(round));
                pooledSynced.add(hs);
                pooledPlain.add(hp);
            }
            try (Connection c = InsertWriter.connect(url); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM jobs WHERE job_ulid IS NULL AND id >= 100000000")) {
                rs.next();
                if (rs.getLong(1) != 0) {
                    throw new IllegalStateException(rs.getLong(1) + " of the writer's rows without a ULID on the synced table");
                }
            }
            worker.rollback(step);
            System.out.printf(Locale.ROOT, "sync %-10s insert p99 ms per round: with write-sync %s, without %s; per-round ratios %s,"
                    + " median %.2f; pooled (%d inserts each) p50 %.2f vs %.2f, p99 %.2f vs %.2f, p99 ratio %.2f%n",
                    engine, format(synced), format(plain), format(ratios), median(ratios), pooledSynced.getTotalCount(),
                    pooledSynced.getValueAtPercentile(50) / 1000.0, pooledPlain.getValueAtPercentile(50) / 1000.0,
                    pooledSynced.getValueAtPercentile(99) / 1000.0, pooledPlain.getValueAtPercentile(99) / 1000.0,
                    pooledSynced.getValueAtPercentile(99) / (double) pooledPlain.getValueAtPercentile(99));
        } finally {
            if (engine.equals("postgresql")) {
                adminExecute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The writer's latency while DDL waits behind a blocker: the worker's Expand, then a plain ALTER without lock_timeout. */
    private void blocked(int blockerSeconds) throws Exception {
        String name = "bench_blocked_" + Long.toString(System.currentTimeMillis(), 36);
        String url = createPgDatabase(name);
        try {
            try (Connection c = InsertWriter.connect(url); Statement s = c.createStatement()) {
                seed(s, "postgresql", "jobs");
                seed(s, "postgresql", "jobs_plain");
            }
            String withWorker = underBlocker(url, "jobs", blockerSeconds, () -> expand("postgresql", name, url, "jobs"));
            String withoutTimeout = underBlocker(url, "jobs_plain", blockerSeconds, () -> {
                try (Connection c = InsertWriter.connect(url); Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE jobs_plain ADD COLUMN job_ulid VARCHAR(26)");
                }
                return null;
            });
            System.out.printf(Locale.ROOT, "blocked postgresql, blocker %d s, insert p50/p99/max ms: worker Expand (lock_timeout 500 ms + retries) %s;"
                    + " plain ALTER without lock_timeout %s%n", blockerSeconds, withWorker, withoutTimeout);
        } finally {
            adminExecute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    @FunctionalInterface
    private interface Ddl {
        Object run() throws Exception;
    }

    /** A session reads the table in an open transaction for {@code seconds}; meanwhile the DDL runs and the writer inserts. */
    private String underBlocker(String url, String table, int seconds, Ddl ddl) throws Exception {
        Histogram h = new Histogram(60_000_000L, 3);
        try (Connection blocker = InsertWriter.connect(url); InsertWriter w = new InsertWriter(url, table, rate, h)) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.executeQuery("SELECT count(*) FROM " + table).close();
            }
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(seconds * 1000L);
                    blocker.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            release.start();
            ddl.run();
            release.join();
            Thread.sleep(1000);
        }
        return String.format(Locale.ROOT, "%.1f/%.1f/%.1f", h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
    }

    private StepRequest expand(String engine, String name, String url, String table) {
        String target = (name + "-" + table).replace('_', '-');
        worker.registerTarget(RegisterTargetRequest.newBuilder().setName(target).setJdbcUrl(url)
                .setUsername(engine.equals("postgresql") ? "postgres" : "").build());
        Migration created = worker.createMigration(CreateMigrationRequest.newBuilder().setSpec(MigrationSpec.newBuilder()
                .setName(target).setTarget(target).setTable(table).setKeyColumn("id").setUlidColumn("job_ulid")
                .setLegacyColumn("legacy_id").setTimestampColumn("created_at")).build());
        StepRequest step = StepRequest.newBuilder().setId(created.getId()).setReason("benchmark").build();
        worker.expand(step);
        return step;
    }

    private void seed(Statement s, String engine, String table) throws SQLException {
        if (engine.equals("postgresql")) {
            s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, legacy_id varchar(64) NOT NULL, created_at timestamp NOT NULL, payload text)");
            s.execute("INSERT INTO " + table + " SELECT g, 'job-' || g, timestamp '2024-01-01' + g * interval '1 second', md5(g::text)"
                    + " FROM generate_series(1, " + rows + ") g");
            s.execute("VACUUM ANALYZE " + table);
        } else {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, legacy_id TEXT NOT NULL, created_at TEXT NOT NULL, payload TEXT)");
            s.execute("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < " + rows + ")"
                    + " INSERT INTO " + table + " SELECT n, 'job-' || n, datetime('2024-01-01', '+' || n || ' seconds'), hex(randomblob(16)) FROM g");
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList().toString();
    }

    private String createPgDatabase(String name) throws SQLException {
        adminExecute("CREATE DATABASE " + name);
        return pgAdmin.substring(0, pgAdmin.lastIndexOf('/') + 1) + name;
    }

    private void adminExecute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pgAdmin, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--" + name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
