package io.ulidmesh.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The seed's ecosystem databases, with realistic rows: Crackerjack's {@code jobs} in SQLite and
 * Session-Buddy's {@code sessions} in DuckDB (files in the worker's targets folder), Akosha's
 * {@code entities} in PostgreSQL (a database on the mesh's server). Made afresh on every run. The
 * old-code writers insert through {@link #insert}, as the systems' current code does: no ULID.
 */
final class DemoData {
    /** One ecosystem table: the plan's target name, its table, ULID column and the JDBC URL the worker reaches. */
    record Table(String target, String system, String table, String ulidColumn, String jdbcUrl, String user, String password) {
    }

    private static final String[] JOB_KINDS = {"lint", "test", "typecheck", "security-scan", "format", "coverage"};
    private static final String[] STATUSES = {"passed", "failed", "running", "queued"};
    private static final String[] PROJECTS = {"oneiric", "mahavishnu", "crackerjack", "session-buddy", "akosha", "acb"};
    private static final String[] ENTITY_KINDS = {"concept", "person", "repository", "document", "insight"};

    final Table jobs;
    final Table sessions;
    final Table entities;
    private final String pgAdminUrl;
    private final String pgDatabase;
    private final Random random = new Random(12);

    DemoData(Path targetsDir, String pgHost, int pgPort, String pgUser, String pgPassword, String pgDatabase) {
        Path dir = targetsDir.toAbsolutePath().normalize();
        this.jobs = new Table("crackerjack", "crackerjack", "jobs", "job_ulid", "jdbc:sqlite:" + dir.resolve("crackerjack.db"), "", "");
        this.sessions = new Table("session-buddy", "session-buddy", "sessions", "session_ulid",
                "jdbc:duckdb:" + dir.resolve("session-buddy.duckdb"), "", "");
        String base = "jdbc:postgresql://" + pgHost + ":" + pgPort + "/";
        this.entities = new Table("akosha", "akosha", "entities", "entity_ulid", base + pgDatabase, pgUser, pgPassword);
        this.pgAdminUrl = base + "postgres";
        this.pgDatabase = pgDatabase;
    }

    List<Table> tables() {
        return List.of(jobs, sessions, entities);
    }

    /** Creates the three databases afresh with {@code rows} rows each. */
    void create(int rows) throws SQLException, IOException {
        Path sqlite = Path.of(jobs.jdbcUrl().substring("jdbc:sqlite:".length()));
        Files.createDirectories(sqlite.getParent());
        Files.deleteIfExists(sqlite);
        Path duck = Path.of(sessions.jdbcUrl().substring("jdbc:duckdb:".length()));
        Files.deleteIfExists(duck);
        Files.deleteIfExists(Path.of(duck + ".wal"));
        try (Connection c = DriverManager.getConnection(pgAdminUrl, entities.user(), entities.password());
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + pgDatabase);
        }
        for (Table t : tables()) {
            try (Connection c = connect(t)) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute(ddl(t));
                }
                insert(c, t, 1, rows);
                c.commit();
            }
        }
    }

    static String ddl(Table t) {
        return switch (t.table()) {
            case "jobs" -> "CREATE TABLE jobs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, project TEXT NOT NULL,"
                    + " status TEXT NOT NULL, duration_ms INTEGER, created_at TEXT NOT NULL)";
            case "sessions" -> "CREATE TABLE sessions (id BIGINT PRIMARY KEY, user_id VARCHAR NOT NULL, project VARCHAR NOT NULL,"
                    + " started_at TIMESTAMP NOT NULL, messages INTEGER NOT NULL)";
            default -> "CREATE TABLE entities (id BIGINT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
                    + " created_at TIMESTAMPTZ NOT NULL)";
        };
    }

    /**
     * A connection to the table's database. DuckDB lets one process at a time open a file, and the
     * worker opens it too (to backfill, and after the backfill to follow appended rows every second),
     * so a DuckDB open that meets the worker's lock is retried for up to 30 s.
     */
    Connection connect(Table t) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return DriverManager.getConnection(t.jdbcUrl(), t.user().isEmpty() ? null : t.user(),
                        t.user().isEmpty() ? null : t.password());
            } catch (SQLException e) {
                boolean lockedByTheWorker = t.jdbcUrl().startsWith("jdbc:duckdb:") && String.valueOf(e.getMessage())
                        .contains("Could not set lock");
                if (!lockedByTheWorker || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Inserts rows {@code from..from+count-1} the way the old code does: no ULID. */
    void insert(Connection c, Table t, long from, int count) throws SQLException {
        String sql = switch (t.table()) {
            case "jobs" -> "INSERT INTO jobs (id, kind, project, status, duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?)";
            case "sessions" -> "INSERT INTO sessions (id, user_id, project, started_at, messages) VALUES (?, ?, ?, ?, ?)";
            default -> "INSERT INTO entities (id, kind, name, created_at) VALUES (?, ?, ?, ?)";
        };
        Instant now = Instant.now();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (long id = from; id < from + count; id++) {
                Instant at = now.minusSeconds((from + count - id) * 37);
                p.setLong(1, id);
                switch (t.table()) {
                    case "jobs" -> {
                        p.setString(2, pick(JOB_KINDS));
                        p.setString(3, pick(PROJECTS));
                        p.setString(4, pick(STATUSES));
                        p.setInt(5, 200 + random.nextInt(120_000));
                        p.setString(6, at.toString());
                    }
                    case "sessions" -> {
                        p.setString(2, "user-" + (1 + random.nextInt(40)));
                        p.setString(3, pick(PROJECTS));
                        p.setTimestamp(4, Timestamp.from(at));
                        p.setInt(5, random.nextInt(300));
                    }
                    default -> {
                        p.setString(2, pick(ENTITY_KINDS));
                        p.setString(3, pick(ENTITY_KINDS) + " " + Long.toString(id * 7919L, 36));
                        p.setTimestamp(4, Timestamp.from(at));
                    }
                }
                p.addBatch();
                if ((id - from) % 1000 == 999) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
        }
    }

    /** The table now: its rows, the rows with a ULID and the distinct ULIDs (the column is absent before Expand). */
    record Count(long rows, long withUlid, long distinctUlids) {
    }

    Count count(Table t) throws SQLException {
        try (Connection c = connect(t); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(" + t.ulidColumn() + "), count(DISTINCT " + t.ulidColumn()
                        + ") FROM " + t.table())) {
            rs.next();
            return new Count(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    long maxId(Table t) throws SQLException {
        try (Connection c = connect(t); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM " + t.table())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private synchronized String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
