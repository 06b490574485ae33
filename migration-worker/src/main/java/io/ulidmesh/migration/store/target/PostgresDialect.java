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
import java.time.Duration;
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

    /**
     * Each transactional group's DDL waits at most this long for its lock (SET LOCAL: this
     * transaction only), so the application's writes, queued behind the waiting DDL, wait no longer.
     */
    @Override
    public List<String> lockTimeout(Duration timeout) {
        return List.of("SET LOCAL lock_timeout = '" + Math.max(1, timeout.toMillis()) + "ms'");
    }

    @Override
    public Optional<String> replicationLag() {
        return Optional.of("SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication");
    }

    /** From pg_locks and pg_stat_activity: who holds a lock on the table, oldest query first. */
    @Override
    public List<String> lockHolders(Connection connection, TableRef t) throws SQLException {
        return strings(connection, "SELECT 'session pid ' || a.pid || ' (query started ' || coalesce(to_char(a.query_start AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'unknown') || ', state ' || coalesce(a.state, 'unknown') || ')'"
                + " FROM pg_stat_activity a WHERE a.pid IN (SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                + " WHERE l.granted AND c.relnamespace = current_schema()::regnamespace AND c.relname = ?) AND a.pid <> pg_backend_pid()"
                + " ORDER BY a.query_start NULLS LAST", t.table());
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
        List<String> sql = new ArrayList<>(List.of(
                "ALTER TABLE " + quote(t.table()) + " ADD COLUMN IF NOT EXISTS " + quote(t.ulid()) + " varchar(26)"));
        sql.addAll(writeSyncStatements(t));
        return List.of(new SqlGroup("add the ULID column and the write-sync trigger", true, sql));
    }

    @Override
    public List<SqlGroup> writeSync(TableRef t) {
        return List.of(new SqlGroup("install the write-sync trigger", true, writeSyncStatements(t)));
    }

    /**
     * A BEFORE INSERT trigger filling a NULL ULID in the row itself, so the insert costs no second
     * write: 48 bits of time by the backfill's rule, then 80 random bits taken from
     * gen_random_uuid (bytes 0-4 and 9-13, clear of the version and variant bits).
     */
    private List<String> writeSyncStatements(TableRef t) {
        String u = "NEW." + quote(t.ulid());
        String function = "CREATE OR REPLACE FUNCTION " + quote(t.writeSyncName()) + "() RETURNS trigger LANGUAGE plpgsql AS $ulidmesh$\n"
                + "DECLARE ms bigint; r bytea; a bigint := 0; b bigint := 0;\n"
                + "BEGIN\n"
                + "  IF " + u + " IS NULL THEN\n"
                + "    ms := greatest(0, least(" + MAX_ULID_MILLIS + ", "
                + writeSyncMillis(t, "(extract(epoch FROM clock_timestamp()) * 1000)::bigint") + "));\n"
                + "    r := uuid_send(gen_random_uuid());\n"
                + "    FOR i IN 0..4 LOOP a := (a << 8) | get_byte(r, i); b := (b << 8) | get_byte(r, i + 9); END LOOP;\n"
                + "    " + u + " := " + base32("ms", 10) + " || " + base32("a", 8) + " || " + base32("b", 8) + ";\n"
                + "  END IF;\n"
                + "  RETURN NEW;\n"
                + "END\n$ulidmesh$";
        return List.of(function, "CREATE OR REPLACE TRIGGER " + quote(t.writeSyncName()) + " BEFORE INSERT ON " + quote(t.table())
                + " FOR EACH ROW EXECUTE FUNCTION " + quote(t.writeSyncName()) + "()");
    }

    @Override
    public List<SqlGroup> dropWriteSync(TableRef t) {
        return List.of(SqlGroup.tx("drop the write-sync trigger",
                "DROP TRIGGER IF EXISTS " + quote(t.writeSyncName()) + " ON " + quote(t.table()),
                "DROP FUNCTION IF EXISTS " + quote(t.writeSyncName()) + "()"));
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
                SqlGroup.tx("prove NOT NULL with a CHECK validated under a weak lock",
                        "ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + check,
                        "ALTER TABLE " + table + " ADD CONSTRAINT " + check + " CHECK (" + quote(t.ulid()) + " IS NOT NULL) NOT VALID"),
                SqlGroup.tx("validate the CHECK", "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check),
                SqlGroup.tx("set NOT NULL (uses the validated CHECK, no table scan)",
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
                SqlGroup.tx("drop the NOT NULL helper",
                        "ALTER TABLE " + quote(t.table()) + " DROP CONSTRAINT IF EXISTS " + quote(t.notNullName())));
    }

    @Override
    public Optional<SqlGroup> restoreLegacyNotNull(TableRef t) {
        return Optional.of(SqlGroup.tx("restore the legacy column's NOT NULL",
                "ALTER TABLE " + quote(t.table()) + " ALTER COLUMN " + quote(t.legacy()) + " SET NOT NULL"));
    }

    @Override
    public SqlGroup dropUlid(TableRef t) {
        return SqlGroup.tx("drop the ULID column",
                "ALTER TABLE " + quote(t.table()) + " DROP COLUMN IF EXISTS " + quote(t.ulid()));
    }
}
