package io.ulidmesh.bench.migration;

import com.github.f4b6a3.ulid.UlidCreator;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Online backfill through the running migration-worker against the engine's ceiling: one offline
 * statement (PostgreSQL, DuckDB: a single UPDATE joined to unnested arrays of every row's ULID;
 * SQLite: one transaction of batched updates) on an identical copy of the table, same run. While
 * each runs, a writer inserts rows into the table at a fixed rate (PostgreSQL and SQLite; DuckDB
 * has one writer process) and its insert latency (p50/p99/max) goes into an HdrHistogram corrected
 * for coordinated omission; the writer alone for 10 s first gives the machine's own insert latency.
 *
 * <pre>
 * java -cp bench.jar:deps:sqlite-jdbc.jar:duckdb_jdbc.jar io.ulidmesh.bench.migration.MigrationBench \
 *     --worker 127.0.0.1:18684 --rows 1000000 --engines postgresql,sqlite,duckdb --batch 10000 --writer-rate 200
 * </pre>
 * PostgreSQL targets are fresh databases on {@code --pg} (default jdbc:postgresql://127.0.0.1:5432/postgres,
 * user postgres); SQLite and DuckDB targets are files in a temporary directory.
 */
public final class MigrationBench {
    private final MigrationServiceGrpc.MigrationServiceBlockingStub worker;
    private final String pgAdmin;
    private final int rows;
    private final int batch;
    private final int writerRate;

    private MigrationBench(MigrationServiceGrpc.MigrationServiceBlockingStub worker, String pgAdmin, int rows, int batch, int writerRate) {
        this.worker = worker;
        this.pgAdmin = pgAdmin;
        this.rows = rows;
        this.batch = batch;
        this.writerRate = writerRate;
    }

    public static void main(String[] args) throws Exception {
        String address = option(args, "worker", "127.0.0.1:18684");
        String[] hostPort = address.split(":");
        ManagedChannel channel = BenchChannels.plaintext(hostPort[0], Integer.parseInt(hostPort[1])).build();
        MigrationBench bench = new MigrationBench(MigrationServiceGrpc.newBlockingStub(channel),
                option(args, "pg", "jdbc:postgresql://127.0.0.1:5432/postgres"), Integer.parseInt(option(args, "rows", "1000000")),
                Integer.parseInt(option(args, "batch", "10000")), Integer.parseInt(option(args, "writer-rate", "200")));
        System.out.printf("%-10s %9s %14s %14s %7s %22s %22s %22s%n", "engine", "rows", "offline rows/s", "online rows/s", "ratio",
                "writer ms idle", "writer ms offline", "writer ms online");
        for (String engine : option(args, "engines", "postgresql,sqlite,duckdb").split(",")) {
            bench.run(engine.trim());
        }
        channel.shutdownNow();
    }

    private void run(String engine) throws Exception {
        Path dir = Files.createTempDirectory("ulidmesh-bench-" + engine);
        String name = "bench_" + engine + "_" + Long.toString(System.currentTimeMillis(), 36);
        String url = switch (engine) {
            case "postgresql" -> createPgDatabase(name);
            case "sqlite" -> "jdbc:sqlite:" + dir.resolve("bench.db");
            case "duckdb" -> "jdbc:duckdb:" + dir.resolve("bench.duckdb");
            default -> throw new IllegalArgumentException("engine " + engine);
        };
        boolean writer = !engine.equals("duckdb");
        try {
            try (Connection c = InsertWriter.connect(url)) {
                seed(c, engine, "jobs");
                seed(c, engine, "jobs_offline");
            }
            settle(url, engine);
            // Idle: the writer alone, the latency this machine gives an insert without any backfill.
            Histogram idleLatency = new Histogram(60_000_000L, 3);
            if (writer) {
                try (InsertWriter w = new InsertWriter(url, "jobs_offline", writerRate, idleLatency)) {
                    Thread.sleep(10_000);
                }
            }
            // Offline: the engine's ceiling, one statement (SQLite: one transaction) over every row.
            Histogram offlineLatency = new Histogram(60_000_000L, 3);
            double offline;
            try (Connection c = InsertWriter.connect(url); InsertWriter w = writer ? new InsertWriter(url, "jobs_offline", writerRate, offlineLatency) : null) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE jobs_offline ADD COLUMN job_ulid VARCHAR(26)");
                }
                Object[] keys = new Object[rows];
                Object[] ulids = new Object[rows];
                for (int i = 0; i < rows; i++) {
                    keys[i] = (long) (i + 1);
                    ulids[i] = UlidCreator.getMonotonicUlid().toString();
                }
                settle(url, engine);
                long start = System.nanoTime();
                offlineUpdate(c, engine, keys, ulids);
                offline = rows / ((System.nanoTime() - start) / 1e9);
            }
            // Online: through the worker, batches with checkpoints, while the writer keeps inserting.
            Histogram onlineLatency = new Histogram(60_000_000L, 3);
            settle(url, engine);
            double online;
            try (InsertWriter w = writer ? new InsertWriter(url, "jobs", writerRate, onlineLatency) : null) {
                online = online(engine, name, url);
            }
            System.out.printf(Locale.ROOT, "%-10s %9d %14.0f %14.0f %7.2f %22s %22s %22s%n", engine, rows, offline, online, online / offline,
                    writer ? latency(idleLatency) : "-", writer ? latency(offlineLatency) : "-", writer ? latency(onlineLatency) : "-");
        } finally {
            if (engine.equals("postgresql")) {
                adminExecute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Flushes what the previous phase wrote, so a phase does not pay for its predecessor's checkpoint
     * (seeding and the offline UPDATE each write about half a GB of PostgreSQL WAL); each phase still
     * pays for the checkpoints its own writes cause.
     */
    private void settle(String url, String engine) throws SQLException {
        try (Connection c = InsertWriter.connect(url); Statement s = c.createStatement()) {
            s.execute(engine.equals("sqlite") ? "PRAGMA wal_checkpoint(TRUNCATE)" : "CHECKPOINT");
        }
    }

    private double online(String engine, String name, String url) throws InterruptedException {
        String target = name.replace('_', '-');
        worker.registerTarget(RegisterTargetRequest.newBuilder().setName(target).setJdbcUrl(url)
                .setUsername(engine.equals("postgresql") ? "postgres" : "").build());
        Migration created = worker.createMigration(CreateMigrationRequest.newBuilder().setSpec(MigrationSpec.newBuilder()
                .setName(target).setTarget(target).setTable("jobs").setKeyColumn("id").setUlidColumn("job_ulid")
                .setLegacyColumn("legacy_id").setTimestampColumn("created_at").setBatchSize(batch)).build());
        StepRequest step = StepRequest.newBuilder().setId(created.getId()).setReason("benchmark").build();
        worker.expand(step);
        Migration started = worker.backfill(step);
        Migration m = started;
        while (m.getState() == MigrationState.BACKFILLING) {
            Thread.sleep(200);
            m = worker.getMigration(GetMigrationRequest.newBuilder().setId(created.getId()).build());
        }
        if (m.getState() != MigrationState.BACKFILLED) {
            throw new IllegalStateException("backfill ended " + m.getState() + ": " + m.getLastError());
        }
        worker.rollback(step);
        // The worker's own timestamps of BACKFILLING and BACKFILLED: polling does not blur them.
        return m.getRowsBackfilled() / (seconds(m.getUpdatedAt()) - seconds(started.getUpdatedAt()));
    }

    private void offlineUpdate(Connection c, String engine, Object[] keys, Object[] ulids) throws SQLException {
        c.setAutoCommit(false);
        switch (engine) {
            case "postgresql", "duckdb" -> {
                String sql = engine.equals("postgresql")
                        ? "UPDATE jobs_offline SET job_ulid = v.u FROM unnest(?::bigint[], ?::text[]) AS v(k, u) WHERE id = v.k"
                        : "UPDATE jobs_offline SET job_ulid = v.u FROM (SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS u) v WHERE id = v.k";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setArray(1, c.createArrayOf(engine.equals("postgresql") ? "int8" : "BIGINT", keys));
                    ps.setArray(2, c.createArrayOf(engine.equals("postgresql") ? "text" : "VARCHAR", ulids));
                    ps.executeUpdate();
                }
            }
            default -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE jobs_offline SET job_ulid = ? WHERE id = ?")) {
                    for (int i = 0; i < keys.length; i++) {
                        ps.setString(1, (String) ulids[i]);
                        ps.setLong(2, (Long) keys[i]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }
        c.commit();
        c.setAutoCommit(true);
    }

    private void seed(Connection c, String engine, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            switch (engine) {
                case "postgresql" -> {
                    s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, legacy_id varchar(64) NOT NULL, created_at timestamp NOT NULL, payload text)");
                    s.execute("INSERT INTO " + table + " SELECT g, 'job-' || g, timestamp '2024-01-01' + g * interval '1 second', md5(g::text)"
                            + " FROM generate_series(1, " + rows + ") g");
                    s.execute("VACUUM ANALYZE " + table);
                }
                case "sqlite" -> {
                    s.execute("PRAGMA journal_mode = WAL");
                    s.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, legacy_id TEXT NOT NULL, created_at TEXT NOT NULL, payload TEXT)");
                    s.execute("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < " + rows + ")"
                            + " INSERT INTO " + table + " SELECT n, 'job-' || n, datetime('2024-01-01', '+' || n || ' seconds'), hex(randomblob(16)) FROM g");
                }
                default -> {
                    s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, legacy_id VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, payload VARCHAR)");
                    s.execute("INSERT INTO " + table + " SELECT r, 'job-' || r, TIMESTAMP '2024-01-01' + to_seconds(r), md5(r::VARCHAR)"
                            + " FROM range(1, " + (rows + 1) + ") t(r)");
                }
            }
        }
    }

    private static String latency(Histogram h) {
        return String.format(Locale.ROOT, "%.1f/%.1f/%.1f", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
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

    private static double seconds(Timestamp t) {
        return t.getSeconds() + t.getNanos() / 1e9;
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
