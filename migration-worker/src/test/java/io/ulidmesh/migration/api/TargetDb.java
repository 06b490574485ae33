package io.ulidmesh.migration.api;

import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.testsupport.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A real target database for tests: a fresh PostgreSQL database or a SQLite / DuckDB file, with a
 * legacy table {@code jobs(id, legacy_id, created_at, payload)} of {@code rows} rows, where
 * legacy_id = 'job-' || id and created_at rises one second per row from 2024-01-01.
 */
public final class TargetDb implements AutoCloseable {
    public final Engine engine;
    public final String url;
    private final Path dir;

    private TargetDb(Engine engine, String url, Path dir) {
        this.engine = engine;
        this.url = url;
        this.dir = dir;
    }

    public static TargetDb create(Engine engine) {
        try {
            return switch (engine) {
                case POSTGRESQL -> new TargetDb(engine, TestPostgres.createDatabase("migration_target"), null);
                case SQLITE -> {
                    Path dir = Files.createTempDirectory("ulidmesh-sqlite");
                    yield new TargetDb(engine, "jdbc:sqlite:" + dir.resolve("crackerjack.db"), dir);
                }
                case DUCKDB -> {
                    Path dir = Files.createTempDirectory("ulidmesh-duckdb");
                    yield new TargetDb(engine, "jdbc:duckdb:" + dir.resolve("session_buddy.duckdb"), dir);
                }
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Connection connect() throws SQLException {
        return switch (engine) {
            case POSTGRESQL -> DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
            case SQLITE -> {
                Connection c = new org.sqlite.JDBC().connect(url, new java.util.Properties());
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 10000");
                }
                yield c;
            }
            case DUCKDB -> new org.duckdb.DuckDBDriver().connect(url, new java.util.Properties());
        };
    }

    /** Creates and fills the legacy table {@code jobs}. */
    public TargetDb seed(int rows) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            switch (engine) {
                case POSTGRESQL -> {
                    s.execute("CREATE TABLE jobs (id bigint PRIMARY KEY, legacy_id varchar(64) NOT NULL, created_at timestamp NOT NULL, payload text)");
                    s.execute("INSERT INTO jobs SELECT g, 'job-' || g, timestamp '2024-01-01' + g * interval '1 second', md5(g::text)"
                            + " FROM generate_series(1, " + rows + ") g");
                }
                case SQLITE -> {
                    s.execute("PRAGMA journal_mode = WAL");
                    s.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, legacy_id TEXT NOT NULL, created_at TEXT NOT NULL, payload TEXT)");
                    s.execute("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < " + rows + ")"
                            + " INSERT INTO jobs SELECT n, 'job-' || n, datetime('2024-01-01', '+' || n || ' seconds'), hex(randomblob(8)) FROM g");
                }
                case DUCKDB -> {
                    s.execute("CREATE TABLE jobs (id BIGINT PRIMARY KEY, legacy_id VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, payload VARCHAR)");
                    s.execute("INSERT INTO jobs SELECT r, 'job-' || r, TIMESTAMP '2024-01-01' + to_seconds(r), md5(r::VARCHAR)"
                            + " FROM range(1, " + (rows + 1) + ") t(r)");
                }
            }
        }
        return this;
    }

    public long queryLong(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public List<String> strings(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    /** Each row's job_ulid by id, for the rows that have one. */
    public java.util.Map<Long, String> ulidsByKey() throws SQLException {
        java.util.Map<Long, String> ulids = new java.util.HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, job_ulid FROM jobs WHERE job_ulid IS NOT NULL")) {
            while (rs.next()) {
                ulids.put(rs.getLong(1), rs.getString(2));
            }
        }
        return ulids;
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Column names of {@code table} in lower case, in order. */
    public List<String> columns(String table) throws SQLException {
        String sql = switch (engine) {
            case POSTGRESQL, DUCKDB -> "SELECT column_name FROM information_schema.columns WHERE table_name = '" + table
                    + "' ORDER BY ordinal_position";
            case SQLITE -> "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid";
        };
        return strings(sql).stream().map(String::toLowerCase).toList();
    }

    /**
     * The schema as its catalog describes it, one sorted line per table, view, index (PostgreSQL:
     * with its validity), constraint, trigger, function (PostgreSQL) and column (with type and nullability): what "the
     * target is exactly as before" compares.
     */
    public List<String> catalog() throws SQLException {
        String sql = switch (engine) {
            case POSTGRESQL -> "SELECT 'table ' || tablename FROM pg_tables WHERE schemaname = current_schema()"
                    + " UNION ALL SELECT 'view ' || viewname FROM pg_views WHERE schemaname = current_schema()"
                    + " UNION ALL SELECT 'index ' || c.relname || ' valid=' || i.indisvalid FROM pg_index i"
                    + " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = current_schema()::regnamespace"
                    + " UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
                    + " UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal"
                    + " UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace"
                    + " UNION ALL SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable"
                    + " FROM information_schema.columns WHERE table_schema = current_schema()";
            case SQLITE -> "SELECT type || ' ' || name FROM sqlite_master"
                    + " UNION ALL SELECT 'column jobs.' || name || ' ' || type || ' notnull=' || \"notnull\" FROM pragma_table_info('jobs')";
            case DUCKDB -> "SELECT 'table ' || table_name FROM duckdb_tables()"
                    + " UNION ALL SELECT 'view ' || view_name FROM duckdb_views() WHERE NOT internal"
                    + " UNION ALL SELECT 'index ' || index_name FROM duckdb_indexes()"
                    + " UNION ALL SELECT 'constraint ' || table_name || ' ' || constraint_type || ' ' || constraint_column_names::VARCHAR"
                    + " FROM duckdb_constraints()"
                    + " UNION ALL SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable"
                    + " FROM information_schema.columns WHERE table_schema = current_schema()";
        };
        return strings(sql).stream().sorted().toList();
    }

    @Override
    public void close() throws IOException {
        if (engine == Engine.POSTGRESQL) {
            TestPostgres.dropDatabase(url);
        } else {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
