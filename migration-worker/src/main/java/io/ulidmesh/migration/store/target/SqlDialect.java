package io.ulidmesh.migration.store.target;

import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.migration.domain.target.KeyKind;
import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableInfo;
import io.ulidmesh.migration.domain.target.TableRef;
import io.ulidmesh.migration.domain.target.TargetSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * What differs between engines: connecting, reading the catalog, and the SQL of each step.
 * Every identifier in generated SQL is a name resolved from the target's catalog (or derived from
 * the migration id) and is quoted; values are always bound parameters.
 */
abstract class SqlDialect implements TargetSql {
    private static final Logger LOG = Logger.getLogger(SqlDialect.class);
    /** A ULID's canonical text form, for engines with regular expressions. */
    protected static final String ULID_REGEX = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$";

    /** Opens a connection with the engine's settings for sharing the database with its application. */
    public abstract Connection open(String jdbcUrl, String username, String password) throws SQLException;

    /** The table in the target's default schema, matched exactly or else ignoring case; empty when absent. */
    public abstract Optional<TableInfo> describe(Connection connection, String table) throws SQLException;

    @Override
    public String newColumnName(String requested) {
        return requested;
    }

    public String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Statements that bound, within a transaction, how long its DDL waits for a lock; none by default. */
    public List<String> lockTimeout(Duration timeout) {
        return List.of();
    }

    /** A query of one number: the replicas' largest replay lag in seconds; none where the engine has no replicas. */
    public Optional<String> replicationLag() {
        return Optional.empty();
    }

    /** The other sessions holding a lock on the table; none known by default. */
    public List<String> lockHolders(Connection connection, TableRef t) throws SQLException {
        return List.of();
    }

    // ---- Expand ----

    @Override
    public String countRows(TableRef t) {
        return "SELECT count(*) FROM " + quote(t.table());
    }

    // ---- Backfill ----

    /**
     * Selects the next keys in key order with the row's time in epoch milliseconds (NULL when
     * unknown) and whether it still lacks a ULID. The walk is by key alone, so every engine reads
     * it as an index range: filtering on the ULID column here made PostgreSQL's planner, which
     * believes a new column's NULLs rare, sort the whole table for every batch.
     */
    @Override
    public String selectBatch(TableRef t, boolean afterKey) {
        return "SELECT " + quote(t.key()) + ", " + (t.hasTimestamp() ? millis(quote(t.timestamp())) : "NULL") + ", "
                + quote(t.ulid()) + " IS NULL FROM " + quote(t.table())
                + (afterKey ? " WHERE " + quote(t.key()) + " > ?" : "")
                + " ORDER BY " + quote(t.key()) + " LIMIT ?";
    }

    @Override
    public String countNullsBehind(TableRef t) {
        return "SELECT count(*) FROM " + quote(t.table()) + " WHERE " + quote(t.ulid()) + " IS NULL AND " + quote(t.key()) + " <= ?";
    }

    /** The 32 symbols of a ULID's text, in order of value. */
    protected static final String CROCKFORD = "'0123456789ABCDEFGHJKMNPQRSTVWXYZ'";
    /** The largest time a ULID holds (48 bits of milliseconds). */
    protected static final long MAX_ULID_MILLIS = 0xFFFFFFFFFFFFL;

    /**
     * The write-sync's time rule, the backfill's: the new row's {@code timestamp_column} in epoch
     * milliseconds when it has one, else {@code nowMillis}, clamped to what a ULID can hold.
     */
    protected String writeSyncMillis(TableRef t, String nowMillis) {
        return t.hasTimestamp() ? "coalesce(" + millis("NEW." + quote(t.timestamp())) + ", " + nowMillis + ")" : nowMillis;
    }

    /**
     * {@code symbols} characters of base32 text of the integer expression {@code value}, most
     * significant first: substr of the alphabet per 5-bit group.
     */
    protected static String base32(String value, int symbols) {
        List<String> parts = new ArrayList<>();
        for (int i = symbols - 1; i >= 0; i--) {
            parts.add("substr(" + CROCKFORD + ", CAST((" + value + " >> " + (5 * i) + ") & 31 AS INTEGER) + 1, 1)");
        }
        return String.join(" || ", parts);
    }

    /** An SQL expression giving the epoch milliseconds of a timestamp column's value. */
    protected abstract String millis(String quotedColumn);

    /** Writes one batch in the current transaction; returns the rows changed. */
    public abstract int writeBatch(Connection connection, TableRef t, List<Object> keys, List<String> ulids) throws SQLException;

    /** A batch UPDATE joined to {@code source}, a relation v(k, u) built from the two bound arrays. */
    protected String arrayUpdate(TableRef t, String source) {
        String table = quote(t.table());
        return "UPDATE " + table + " SET " + quote(t.ulid()) + " = v.u FROM " + source + " WHERE " + table + "." + quote(t.key())
                + " = v.k AND " + table + "." + quote(t.ulid()) + " IS NULL";
    }

    /** Runs {@link #updateBatch} with the keys and ULIDs bound as two arrays of the given element types. */
    protected int writeArrays(Connection connection, TableRef t, List<Object> keys, List<String> ulids, String integerType,
                              String textType) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(updateBatch(t))) {
            ps.setArray(1, connection.createArrayOf(t.keyKind() == KeyKind.INTEGER ? integerType : textType, keys.toArray()));
            ps.setArray(2, connection.createArrayOf(textType, ulids.toArray()));
            return ps.executeUpdate();
        }
    }

    @Override
    public String countProgress(TableRef t) {
        return "SELECT count(*), count(" + quote(t.ulid()) + ") FROM " + quote(t.table());
    }

    // ---- Validate ----

    @Override
    public String validateCounts(TableRef t) {
        String u = quote(t.ulid());
        return "SELECT count(*), count(*) FILTER (WHERE " + u + " IS NULL), count(*) FILTER (WHERE " + u
                + " IS NOT NULL AND " + notUlid(u) + ") FROM " + quote(t.table());
    }

    @Override
    public String duplicates(TableRef t) {
        String u = quote(t.ulid());
        return "SELECT count(*) FROM (SELECT " + u + " FROM " + quote(t.table()) + " WHERE " + u
                + " IS NOT NULL GROUP BY " + u + " HAVING count(*) > 1) d";
    }

    /** A predicate true when the quoted column's value is not a canonical ULID. */
    protected abstract String notUlid(String quotedColumn);

    // ---- Contract ----

    /** Makes the ULID column NOT NULL and UNIQUE; each group is idempotent. */
    public abstract List<SqlGroup> enforce(TableRef t);

    /** Copies key → legacy value into the archive and drops the legacy column, in one transaction. */
    public SqlGroup archiveAndDrop(TableRef t) {
        return SqlGroup.tx("archive the legacy column and drop it",
                "DROP TABLE IF EXISTS " + quote(t.archiveTable()),
                "CREATE TABLE " + quote(t.archiveTable()) + " AS SELECT " + quote(t.key()) + ", " + quote(t.legacy())
                        + " FROM " + quote(t.table()),
                "CREATE UNIQUE INDEX " + quote(t.archiveIndex()) + " ON " + quote(t.archiveTable()) + " (" + quote(t.key()) + ")",
                "ALTER TABLE " + quote(t.table()) + " DROP COLUMN " + quote(t.legacy()));
    }

    /**
     * What would stop the legacy column from being dropped, or be lost with it: views, indexes,
     * constraints and triggers that read it, as "kind name" (or the engine's own refusal). Contract
     * refuses while any is left, before it changes anything, so a failure never leaves half of it
     * in force for the old code to trip over.
     */
    public abstract List<String> legacyDependents(Connection connection, TableRef t) throws SQLException;

    /**
     * Drops the legacy column in a transaction rolled back at once; what stops it, if anything. The
     * engine's refusal is logged and explained in the worker's words ({@link #explainRefusal}).
     */
    protected Optional<String> trialDrop(Connection connection, TableRef t, TrialCheck afterDrop) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        SQLException refusal = null;
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + quote(t.table()) + " DROP COLUMN " + quote(t.legacy()));
            return afterDrop.problem(connection);
        } catch (SQLException refused) {
            refusal = refused;
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
        String engineMessage = String.valueOf(refusal.getMessage());
        LOG.infof("the target refuses to drop %s.%s: %s", t.table(), t.legacy(), AuditText.escape(engineMessage));
        return Optional.of(explainRefusal(connection, t, engineMessage));
    }

    /**
     * What stops the legacy column from being dropped, named from the target's catalog: the
     * engine's message is read to pick the objects, never passed on (it is the driver's text).
     */
    protected String explainRefusal(Connection connection, TableRef t, String engineMessage) throws SQLException {
        return "the engine refuses to drop it (the worker's log has its message)";
    }

    /** Whether {@code text} mentions {@code name} as a whole word. */
    protected static boolean mentions(String text, String name) {
        return Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(name) + "(?![A-Za-z0-9_])").matcher(text).find();
    }

    /** A look at the target inside the trial, with the legacy column gone. */
    @FunctionalInterface
    protected interface TrialCheck {
        Optional<String> problem(Connection connection) throws SQLException;
    }

    @Override
    public List<SqlGroup> contract(TableRef t, boolean legacyPresent) {
        List<SqlGroup> groups = new ArrayList<>(enforce(t));
        if (t.hasLegacy() && legacyPresent) {
            groups.add(archiveAndDrop(t));
        }
        // Last: until NOT NULL holds, rows the old code inserts still get their ULID from it.
        groups.addAll(dropWriteSync(t));
        return groups;
    }

    /** Groups that clean up what an interrupted earlier attempt left behind; none by default. */
    public List<SqlGroup> repairs(Connection connection, TableRef t) throws SQLException {
        return List.of();
    }

    @Override
    public List<SqlGroup> rollback(TableRef t, boolean restoreLegacy, boolean restoreNotNull, boolean ulidPresent) {
        List<SqlGroup> groups = new ArrayList<>(dropWriteSync(t));
        groups.addAll(unenforce(t));
        if (restoreLegacy) {
            groups.add(restoreLegacy(t));
            if (restoreNotNull) {
                restoreLegacyNotNull(t).ifPresent(groups::add);
            }
        }
        if (ulidPresent) {
            groups.add(dropUlid(t));
        }
        if (restoreLegacy) {
            // Only once the legacy column is back and committed: the engine is then as before Expand.
            groups.add(SqlGroup.tx("drop the archive, restored", "DROP TABLE IF EXISTS " + quote(t.archiveTable())));
        }
        return groups;
    }

    // ---- Rollback ----

    /** Drops what {@link #enforce} created; idempotent. */
    public abstract List<SqlGroup> unenforce(TableRef t);

    /** Re-adds the legacy column with its original type and fills it from the archive, in one transaction. */
    public SqlGroup restoreLegacy(TableRef t) {
        String table = quote(t.table());
        return SqlGroup.tx("restore the legacy column from the archive",
                "ALTER TABLE " + table + " ADD COLUMN " + quote(t.legacy()) + " " + t.legacyType(),
                "UPDATE " + table + " SET " + quote(t.legacy()) + " = a." + quote(t.legacy()) + " FROM "
                        + quote(t.archiveTable()) + " a WHERE " + table + "." + quote(t.key()) + " = a." + quote(t.key()));
    }

    /** Puts the legacy column's NOT NULL back, where the engine can. */
    public abstract Optional<SqlGroup> restoreLegacyNotNull(TableRef t);

    /** Drops the ULID column. */
    public abstract SqlGroup dropUlid(TableRef t);

    /** Rows with no archived legacy value: while there are any, the legacy column's NOT NULL cannot come back. */
    public String unarchivedRows(TableRef t) {
        String key = quote(t.key());
        return "SELECT count(*) FROM " + quote(t.table()) + " t LEFT JOIN " + quote(t.archiveTable()) + " a ON t." + key
                + " = a." + key + " WHERE a." + quote(t.legacy()) + " IS NULL";
    }

    /** Single-string query results, in order; the parameters are bound. */
    protected static List<String> strings(Connection connection, String sql, String... parameters) throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getString(1));
                }
            }
        }
        return result;
    }

    /** The name spelled exactly like {@code wanted}, else the only candidate matching ignoring case. */
    protected static Optional<String> pick(List<String> candidates, String wanted) {
        if (candidates.contains(wanted)) {
            return Optional.of(wanted);
        }
        return candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
    }
}
