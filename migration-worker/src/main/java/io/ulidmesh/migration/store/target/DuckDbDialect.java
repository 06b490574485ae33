package io.ulidmesh.migration.store.target;

import io.ulidmesh.migration.domain.target.Column;
import io.ulidmesh.migration.domain.target.KeyKind;
import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableInfo;
import io.ulidmesh.migration.domain.target.TableRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * DuckDB (Session-Buddy). A database file has one writer process at a time: while the worker runs
 * a step it holds the file, so the application must reach it read-only or pause meanwhile.
 * DuckDB refuses ALTER TABLE on a table that has an index, so Contract builds the unique index
 * last (all of it in one transaction), and Rollback drops it first.
 */
final class DuckDbDialect extends SqlDialect {
    static final DuckDbDialect INSTANCE = new DuckDbDialect();
    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "integer", "bigint", "utinyint", "usmallint", "uinteger");
    private static final Set<String> TEXT_TYPES = Set.of("varchar");

    private static final List<String> HARDENING = List.of("SET enable_external_access = false",
            "SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false");

    private static final long FILE_LOCK_WAIT_MS = 30_000;

    private DuckDbDialect() {
    }

    @Override
    public Connection open(String jdbcUrl, String username, String password) throws SQLException {
        String path = jdbcUrl.substring("jdbc:duckdb:".length()).split(";", 2)[0];
        // DuckDB creates a missing file; a target is an existing database.
        if (!Files.isRegularFile(Path.of(path))) {
            throw new SQLException("no database file at " + path, "08001");
        }
        Connection connection = connectWaitingForTheFile(jdbcUrl);
        if (connection == null) {
            throw new SQLException("not a DuckDB URL: " + jdbcUrl, "08001");
        }
        // The worker's SQL needs no file but the database's own and no extension; a view or default
        // in the file that reaches for more (read_csv, httpfs) fails instead.
        try (Statement statement = connection.createStatement()) {
            for (String setting : HARDENING) {
                statement.execute(setting);
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * One process at a time may open the file for writing: while the application holds it, wait
     * for it like SQLite's busy_timeout does, up to {@link #FILE_LOCK_WAIT_MS}.
     */
    private static Connection connectWaitingForTheFile(String jdbcUrl) throws SQLException {
        long deadline = System.nanoTime() + FILE_LOCK_WAIT_MS * 1_000_000L;
        while (true) {
            try {
                return new org.duckdb.DuckDBDriver().connect(jdbcUrl, new Properties());
            } catch (SQLException e) {
                boolean locked = String.valueOf(e.getMessage()).contains("Could not set lock on file");
                if (!locked || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public Optional<TableInfo> describe(Connection connection, String table) throws SQLException {
        Optional<String> name = pick(strings(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                + " AND table_type = 'BASE TABLE' AND lower(table_name) = lower(?)", table), table);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, name.get());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT), rs.getString(2), "NO".equals(rs.getString(3))));
                }
            }
        }
        Set<String> unique = new HashSet<>(strings(connection, "SELECT constraint_column_names[1] FROM duckdb_constraints()"
                + " WHERE schema_name = current_schema() AND table_name = ? AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
                + " AND len(constraint_column_names) = 1", name.get()));
        return Optional.of(new TableInfo(name.get(), columns, unique));
    }

    @Override
    public Optional<KeyKind> keyKind(Column column) {
        if (INTEGER_TYPES.contains(column.type())) {
            return Optional.of(KeyKind.INTEGER);
        }
        return TEXT_TYPES.contains(column.type()) ? Optional.of(KeyKind.TEXT) : Optional.empty();
    }

    @Override
    public boolean isTimestamp(Column column) {
        return column.type().startsWith("timestamp") || column.type().equals("date");
    }

    @Override
    public List<SqlGroup> expand(TableRef t) {
        return List.of(SqlGroup.tx("add the ULID column",
                "ALTER TABLE " + quote(t.table()) + " ADD COLUMN IF NOT EXISTS " + quote(t.ulid()) + " VARCHAR"));
    }

    /** DuckDB has no triggers: the worker follows appended rows itself (Backfills). */
    @Override
    public List<SqlGroup> writeSync(TableRef t) {
        return List.of();
    }

    @Override
    public List<SqlGroup> dropWriteSync(TableRef t) {
        return List.of();
    }

    @Override
    public boolean followsAppends() {
        return true;
    }

    @Override
    protected String millis(String c) {
        return "epoch_ms(CAST(" + c + " AS TIMESTAMP))";
    }

    /** One UPDATE joined to two unnested lists: DuckDB runs batched single-row updates at ~1,000 rows/s only. */
    @Override
    public String updateBatch(TableRef t) {
        String keyType = t.keyKind() == KeyKind.INTEGER ? "BIGINT[]" : "VARCHAR[]";
        return arrayUpdate(t, "(SELECT unnest(?::" + keyType + ") AS k, unnest(?::VARCHAR[]) AS u) v");
    }

    @Override
    public int writeBatch(Connection connection, TableRef t, List<Object> keys, List<String> ulids) throws SQLException {
        return writeArrays(connection, t, keys, ulids, "BIGINT", "VARCHAR");
    }

    @Override
    protected String notUlid(String c) {
        return "NOT regexp_full_match(" + c + ", '" + ULID_REGEX.substring(1, ULID_REGEX.length() - 1) + "')";
    }

    @Override
    public List<SqlGroup> enforce(TableRef t) {
        return List.of(SqlGroup.tx("NOT NULL", "ALTER TABLE " + quote(t.table()) + " ALTER COLUMN " + quote(t.ulid()) + " SET NOT NULL"));
    }

    /**
     * All of Contract in one transaction, the unique index last (after it DuckDB would refuse to drop
     * the legacy column): a duplicate ULID then rolls back the drop too, instead of leaving the table
     * without its legacy column and without a unique ULID.
     */
    @Override
    public List<SqlGroup> contract(TableRef t, boolean legacyPresent) {
        List<String> sql = new ArrayList<>();
        super.contract(t, legacyPresent).forEach(group -> sql.addAll(group.sql()));
        sql.add("CREATE UNIQUE INDEX IF NOT EXISTS " + quote(t.uniqueIndex()) + " ON " + quote(t.table()) + " (" + quote(t.ulid()) + ")");
        return List.of(new SqlGroup("all of Contract in one transaction, the unique index last", true, sql));
    }

    /**
     * A trial drop, rolled back: DuckDB refuses it while an index is on the table, and lets a view
     * lose its column silently, so every view is bound once with the column gone.
     */
    @Override
    public List<String> legacyDependents(Connection connection, TableRef t) throws SQLException {
        List<String> views = strings(connection,
                "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = current_schema() ORDER BY view_name");
        return trialDrop(connection, t, c -> {
            List<String> broken = new ArrayList<>();
            for (String view : views) {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT * FROM " + quote(view) + " LIMIT 0").close();
                } catch (SQLException e) {
                    broken.add("view " + view);
                }
            }
            return broken.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", broken));
        }).stream().toList();
    }

    /** DuckDB's refusal does not name the index; the table's indexes do. */
    @Override
    protected String explainRefusal(Connection connection, TableRef t, String engineMessage) throws SQLException {
        List<String> indexes = strings(connection, "SELECT 'index ' || index_name FROM duckdb_indexes() WHERE schema_name = current_schema()"
                + " AND table_name = ? ORDER BY index_name", t.table());
        return engineMessage.contains("index") && !indexes.isEmpty()
                ? String.join(", ", indexes) + " (DuckDB drops no column of a table an index depends on)"
                : super.explainRefusal(connection, t, engineMessage);
    }

    @Override
    public List<SqlGroup> unenforce(TableRef t) {
        return List.of(SqlGroup.tx("drop the unique index", "DROP INDEX IF EXISTS " + quote(t.uniqueIndex())));
    }

    @Override
    public Optional<SqlGroup> restoreLegacyNotNull(TableRef t) {
        return Optional.of(SqlGroup.tx("restore the legacy column's NOT NULL",
                "ALTER TABLE " + quote(t.table()) + " ALTER COLUMN " + quote(t.legacy()) + " SET NOT NULL"));
    }

    @Override
    public SqlGroup dropUlid(TableRef t) {
        return SqlGroup.tx("drop the ULID column", "ALTER TABLE " + quote(t.table()) + " DROP COLUMN IF EXISTS " + quote(t.ulid()));
    }
}
