package io.ulidmesh.migration.store.target;

import io.ulidmesh.migration.domain.target.Column;
import io.ulidmesh.migration.domain.target.KeyKind;
import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableInfo;
import io.ulidmesh.migration.domain.target.TableRef;
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
import java.util.Set;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * SQLite (Crackerjack). Connections wait up to {@link #BUSY_TIMEOUT_MS} for the application's write
 * lock and take the write lock at BEGIN (IMMEDIATE), so a batch never dies half-way on SQLITE_BUSY.
 * SQLite cannot add NOT NULL to an existing column without rebuilding the table, so Contract
 * enforces it with BEFORE INSERT/UPDATE triggers; Rollback drops them.
 */
final class SqliteDialect extends SqlDialect {
    static final SqliteDialect INSTANCE = new SqliteDialect();
    private static final int BUSY_TIMEOUT_MS = 10_000;

    private SqliteDialect() {
    }

    @Override
    public Connection open(String jdbcUrl, String username, String password) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        // A target is an existing database: never create a file, never load code into the engine.
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.enableLoadExtension(false);
        Connection connection = config.createConnection(jdbcUrl);
        // SQLite reads the file's header on first use: a file that is no database fails here, as a
        // connection, not later as a statement with a message of its own.
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT count(*) FROM sqlite_master").close();
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    @Override
    public Optional<TableInfo> describe(Connection connection, String table) throws SQLException {
        Optional<String> name = pick(strings(connection,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND lower(name) = lower(?)", table), table);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>();
        List<String> primaryKey = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid")) {
            ps.setString(1, name.get());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String declared = rs.getString(2) == null ? "" : rs.getString(2);
                    columns.add(new Column(rs.getString(1), declared.toLowerCase(Locale.ROOT), declared, rs.getBoolean(3)));
                    if (rs.getInt(4) > 0) {
                        primaryKey.add(rs.getString(1));
                    }
                }
            }
        }
        Set<String> unique = new HashSet<>();
        if (primaryKey.size() == 1) {
            unique.add(primaryKey.get(0));
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT ii.name FROM pragma_index_list(?) il JOIN pragma_index_info(il.name) ii"
                        + " WHERE il.\"unique\" = 1 AND il.partial = 0 GROUP BY il.name HAVING count(*) = 1")) {
            ps.setString(1, name.get());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1) != null) {
                        unique.add(rs.getString(1));
                    }
                }
            }
        }
        return Optional.of(new TableInfo(name.get(), columns, unique));
    }

    @Override
    public Optional<KeyKind> keyKind(Column column) {
        // SQLite's type affinity rules: a declared type containing INT is an integer.
        if (column.type().contains("int")) {
            return Optional.of(KeyKind.INTEGER);
        }
        boolean text = column.type().contains("char") || column.type().contains("clob") || column.type().contains("text");
        return text ? Optional.of(KeyKind.TEXT) : Optional.empty();
    }

    @Override
    public boolean isTimestamp(Column column) {
        // Dynamic typing: any column may hold ISO-8601 text or epoch numbers.
        return true;
    }

    @Override
    public List<SqlGroup> expand(TableRef t) {
        return List.of(SqlGroup.tx("add the ULID column and the write-sync trigger",
                "ALTER TABLE " + quote(t.table()) + " ADD COLUMN " + quote(t.ulid()) + " TEXT", writeSyncTrigger(t)));
    }

    @Override
    public List<SqlGroup> writeSync(TableRef t) {
        return List.of(SqlGroup.tx("install the write-sync trigger", writeSyncTrigger(t)));
    }

    /**
     * SQLite's BEFORE triggers cannot change NEW, so an AFTER INSERT trigger sets the new row's NULL
     * ULID by its key in the inserting statement's own transaction: 48 bits of time by the
     * backfill's rule, then 2 x 40 bits of two random() calls.
     */
    private String writeSyncTrigger(TableRef t) {
        String now = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
        String value = "(SELECT " + base32("m", 10) + " || " + base32("a", 8) + " || " + base32("b", 8)
                + " FROM (SELECT max(0, min(" + MAX_ULID_MILLIS + ", " + writeSyncMillis(t, now) + ")) AS m, random() AS a, random() AS b))";
        return "CREATE TRIGGER IF NOT EXISTS " + quote(t.writeSyncName()) + " AFTER INSERT ON " + quote(t.table())
                + " WHEN NEW." + quote(t.ulid()) + " IS NULL BEGIN UPDATE " + quote(t.table()) + " SET " + quote(t.ulid()) + " = " + value
                + " WHERE " + quote(t.key()) + " = NEW." + quote(t.key()) + "; END";
    }

    @Override
    public List<SqlGroup> dropWriteSync(TableRef t) {
        return List.of(SqlGroup.tx("drop the write-sync trigger", "DROP TRIGGER IF EXISTS " + quote(t.writeSyncName())));
    }

    @Override
    protected String millis(String c) {
        // Numbers above 10^11 are epoch milliseconds, smaller ones epoch seconds; text is ISO-8601.
        return "CASE WHEN typeof(" + c + ") IN ('integer', 'real') THEN CASE WHEN " + c + " > 100000000000 THEN CAST(" + c
                + " AS INTEGER) ELSE CAST(" + c + " * 1000 AS INTEGER) END"
                + " ELSE CAST(round((julianday(" + c + ") - 2440587.5) * 86400000) AS INTEGER) END";
    }

    @Override
    public String updateBatch(TableRef t) {
        return "UPDATE " + quote(t.table()) + " SET " + quote(t.ulid()) + " = ? WHERE " + quote(t.key()) + " = ? AND "
                + quote(t.ulid()) + " IS NULL";
    }

    /** Batched single-row updates in one transaction: SQLite runs them at hundreds of thousands per second. */
    @Override
    public int writeBatch(Connection connection, TableRef t, List<Object> keys, List<String> ulids) throws SQLException {
        int changed = 0;
        try (PreparedStatement ps = connection.prepareStatement(updateBatch(t))) {
            for (int i = 0; i < keys.size(); i++) {
                ps.setString(1, ulids.get(i));
                ps.setObject(2, keys.get(i));
                ps.addBatch();
            }
            for (int count : ps.executeBatch()) {
                changed += Math.max(count, 0);
            }
        }
        return changed;
    }

    @Override
    protected String notUlid(String c) {
        // No regular expressions in stock SQLite; GLOB is case-sensitive, which is what canonical form needs.
        return "(length(" + c + ") <> 26 OR " + c + " GLOB '*[^0-9A-HJKMNP-TV-Z]*' OR substr(" + c + ", 1, 1) > '7')";
    }

    @Override
    public List<SqlGroup> enforce(TableRef t) {
        String table = quote(t.table());
        String u = quote(t.ulid());
        String message = "'" + t.ulid() + " may not be NULL'";
        return List.of(
                SqlGroup.tx("unique index", "CREATE UNIQUE INDEX IF NOT EXISTS " + quote(t.uniqueIndex()) + " ON " + table + " (" + u + ")"),
                SqlGroup.tx("NOT NULL by triggers (SQLite cannot alter a column's constraints)",
                        "CREATE TRIGGER IF NOT EXISTS " + quote(t.notNullName() + "_i") + " BEFORE INSERT ON " + table
                                + " WHEN NEW." + u + " IS NULL BEGIN SELECT RAISE(ABORT, " + message + "); END",
                        "CREATE TRIGGER IF NOT EXISTS " + quote(t.notNullName() + "_u") + " BEFORE UPDATE OF " + u + " ON " + table
                                + " WHEN NEW." + u + " IS NULL BEGIN SELECT RAISE(ABORT, " + message + "); END"));
    }

    /**
     * SQLite keeps no dependency catalog, but its DROP COLUMN refuses a column that an index, a
     * constraint, a trigger or a view uses: a trial drop, rolled back, asks it.
     */
    @Override
    public List<String> legacyDependents(Connection connection, TableRef t) throws SQLException {
        return trialDrop(connection, t, c -> Optional.empty()).stream().toList();
    }

    /** SQLite's refusal names the index, view or trigger ("error in view v after drop column"); the catalog spells it. */
    @Override
    protected String explainRefusal(Connection connection, TableRef t, String engineMessage) throws SQLException {
        List<String> named = strings(connection, "SELECT type || ' ' || name FROM sqlite_master"
                + " WHERE type IN ('index', 'view', 'trigger') AND name <> ? ORDER BY type, name", t.table())
                .stream().filter(object -> mentions(engineMessage, object.substring(object.indexOf(' ') + 1))).toList();
        return named.isEmpty() ? super.explainRefusal(connection, t, engineMessage) : String.join(", ", named);
    }

    @Override
    public List<SqlGroup> unenforce(TableRef t) {
        return List.of(SqlGroup.tx("drop the unique index and NOT NULL triggers",
                "DROP INDEX IF EXISTS " + quote(t.uniqueIndex()),
                "DROP TRIGGER IF EXISTS " + quote(t.notNullName() + "_i"),
                "DROP TRIGGER IF EXISTS " + quote(t.notNullName() + "_u")));
    }

    @Override
    public Optional<SqlGroup> restoreLegacyNotNull(TableRef t) {
        return Optional.empty();
    }

    @Override
    public SqlGroup dropUlid(TableRef t) {
        return SqlGroup.tx("drop the ULID column", "ALTER TABLE " + quote(t.table()) + " DROP COLUMN " + quote(t.ulid()));
    }
}
