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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * PostgreSQL: the batch is one UPDATE joined to two unnested arrays; DDL waits at most
 * {@code lock_timeout} for its lock so it never queues the application's writes behind it; the
 * unique index is built CONCURRENTLY and NOT NULL is proven by a CHECK validated without a long lock.
 */
final class PostgresDialect extends SqlDialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();
    private static final Set<String> INTEGER_TYPES = Set.of("int2", "int4", "int8");
    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "bpchar");
    private static final Set<String> TIME_TYPES = Set.of("timestamp", "timestamptz", "date");
    private static final String LOCK_TIMEOUT = "SET lock_timeout = '5s'";

    private PostgresDialect() {
    }

    @Override
    public Connection open(String jdbcUrl, String username, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        properties.setProperty("ApplicationName", "ulidmesh-migration-worker");
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL URL: " + jdbcUrl, "08001");
        }
        return connection;
    }

    @Override
    public Optional<TableInfo> describe(Connection connection, String table) throws SQLException {
        Optional<String> name = pick(strings(connection, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND lower(c.relname) = lower(?)", table), table);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT a.attname, t.typname, a.attnotnull, format_type(a.atttypid, a.atttypmod)"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_type t ON t.oid = a.atttypid WHERE n.nspname = current_schema() AND c.relname = ?"
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, name.get());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(4), rs.getBoolean(3)));
                }
            }
        }
        Set<String> unique = new HashSet<>(strings(connection, "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]"
                + " WHERE n.nspname = current_schema() AND c.relname = ? AND i.indisunique AND i.indisvalid AND i.indnkeyatts = 1"
                + " AND i.indpred IS NULL AND i.indexprs IS NULL", name.get()));
        return Optional.of(new TableInfo(name.get(), columns, unique));
    }

    @Override
    public Optional<KeyKind> keyKind(Column column) {
        String type = column.type();
        if (INTEGER_TYPES.contains(type)) {
            return Optional.of(KeyKind.INTEGER);
        }
        return TEXT_TYPES.contains(type) ? Optional.of(KeyKind.TEXT) : Optional.empty();
    }

    @Override
    public boolean isTimestamp(Column column) {
        return TIME_TYPES.contains(column.type());
    }

    @Override
    public String newColumnName(String requested) {
        return requested.toLowerCase(Locale.ROOT);
    }

    @Override
    public List<SqlGroup> expand(TableRef t) {
        return List.of(SqlGroup.tx("add the ULID column", LOCK_TIMEOUT,
                "ALTER TABLE " + quote(t.table()) + " ADD COLUMN IF NOT EXISTS " + quote(t.ulid()) + " varchar(26)"));
    }

    @Override
    protected String millis(String quotedColumn) {
        return "(extract(epoch FROM " + quotedColumn + ") * 1000)::bigint";
    }

    @Override
    public String updateBatch(TableRef t) {
        String keyType = t.keyKind() == KeyKind.INTEGER ? "bigint[]" : "text[]";
        return arrayUpdate(t, "unnest(?::" + keyType + ", ?::text[]) AS v(k, u)");
    }

    @Override
    public int writeBatch(Connection connection, TableRef t, List<Object> keys, List<String> ulids) throws SQLException {
        return writeArrays(connection, t, keys, ulids, "int8", "text");
    }

    @Override
    protected String notUlid(String quotedColumn) {
        return quotedColumn + " !~ '" + ULID_REGEX + "'";
    }

    @Override
    public List<SqlGroup> enforce(TableRef t) {
        String table = quote(t.table());
        String check = quote(t.notNullName());
        return List.of(
                SqlGroup.autocommit("build the unique index without blocking writes",
                        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS " + quote(t.uniqueIndex()) + " ON " + table + " (" + quote(t.ulid()) + ")"),
                SqlGroup.tx("prove NOT NULL with a CHECK validated under a weak lock", LOCK_TIMEOUT,
                        "ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + check,
                        "ALTER TABLE " + table + " ADD CONSTRAINT " + check + " CHECK (" + quote(t.ulid()) + " IS NOT NULL) NOT VALID"),
                SqlGroup.tx("validate the CHECK", "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check),
                SqlGroup.tx("set NOT NULL (uses the validated CHECK, no table scan)", LOCK_TIMEOUT,
                        "ALTER TABLE " + table + " ALTER COLUMN " + quote(t.ulid()) + " SET NOT NULL",
                        "ALTER TABLE " + table + " DROP CONSTRAINT " + check));
    }

    /**
     * From pg_depend: what PostgreSQL would refuse to drop the column under (views) or drop with it
     * (indexes, constraints, triggers, an owned sequence). A DEFAULT goes with the column and stops
     * nothing, as on the other engines.
     */
    @Override
    public List<String> legacyDependents(Connection connection, TableRef t) throws SQLException {
        return strings(connection, "SELECT DISTINCT CASE d.classid"
                + " WHEN 'pg_rewrite'::regclass THEN 'view ' || (SELECT r.ev_class::regclass::text FROM pg_rewrite r WHERE r.oid = d.objid)"
                + " WHEN 'pg_class'::regclass THEN (SELECT CASE k.relkind WHEN 'i' THEN 'index ' WHEN 'S' THEN 'sequence '"
                + " ELSE 'relation ' END || k.oid::regclass::text FROM pg_class k WHERE k.oid = d.objid)"
                + " WHEN 'pg_constraint'::regclass THEN 'constraint ' || (SELECT k.conname FROM pg_constraint k WHERE k.oid = d.objid)"
                + " WHEN 'pg_trigger'::regclass THEN 'trigger ' || (SELECT g.tgname FROM pg_trigger g WHERE g.oid = d.objid)"
                + " ELSE d.classid::regclass::text END"
                + " FROM pg_depend d JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid"
                + " WHERE d.refclassid = 'pg_class'::regclass AND d.deptype IN ('n', 'a') AND d.classid <> 'pg_attrdef'::regclass"
                + " AND n.nspname = current_schema()"
                + " AND c.relname = ? AND a.attname = ? ORDER BY 1", t.table(), t.legacy());
    }

    /** Drops an index a failed CREATE INDEX CONCURRENTLY left INVALID, so the retry builds a real one. */
    @Override
    public List<SqlGroup> repairs(Connection connection, TableRef t) throws SQLException {
        boolean invalid = !strings(connection, "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = ?"
                + " AND NOT i.indisvalid", t.uniqueIndex()).isEmpty();
        return invalid
                ? List.of(SqlGroup.autocommit("drop an invalid leftover index", "DROP INDEX CONCURRENTLY IF EXISTS " + quote(t.uniqueIndex())))
                : List.of();
    }

    @Override
    public List<SqlGroup> unenforce(TableRef t) {
        return List.of(
                SqlGroup.autocommit("drop the unique index", "DROP INDEX CONCURRENTLY IF EXISTS " + quote(t.uniqueIndex())),
                SqlGroup.tx("drop the NOT NULL helper", LOCK_TIMEOUT,
                        "ALTER TABLE " + quote(t.table()) + " DROP CONSTRAINT IF EXISTS " + quote(t.notNullName())));
    }

    @Override
    public Optional<SqlGroup> restoreLegacyNotNull(TableRef t) {
        return Optional.of(SqlGroup.tx("restore the legacy column's NOT NULL", LOCK_TIMEOUT,
                "ALTER TABLE " + quote(t.table()) + " ALTER COLUMN " + quote(t.legacy()) + " SET NOT NULL"));
    }

    @Override
    public SqlGroup dropUlid(TableRef t) {
        return SqlGroup.tx("drop the ULID column", LOCK_TIMEOUT,
                "ALTER TABLE " + quote(t.table()) + " DROP COLUMN IF EXISTS " + quote(t.ulid()));
    }
}
