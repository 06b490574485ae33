package io.ulidmesh.migration.store;

import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.migration.dialect.KeyKind;
import io.ulidmesh.migration.dialect.TableRef;
import io.ulidmesh.migration.domain.Checkpoint;
import io.ulidmesh.migration.domain.Migration;
import io.ulidmesh.migration.domain.MigrationSpec;
import io.ulidmesh.migration.domain.MigrationState;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Migrations, their checkpoints and their event log in the worker's own PostgreSQL. State changes
 * are compare-and-set on the expected state, so a background backfill and an RPC never overwrite
 * each other's transition.
 */
@ApplicationScoped
public class MigrationStore {
    private static final String COLUMNS = "id, name, target, table_name, key_column, key_kind, ulid_column, legacy_column, legacy_type,"
            + " legacy_not_null, timestamp_column, batch_size, max_rows_per_second, state, settled_state, rows_total, baseline_rows,"
            + " rows_backfilled, rows_per_second, checkpoint_key, last_ulid, pass, created_at, updated_at, last_error";

    /** A state change and why, for the event log. */
    public record Change(String step, String actor, String reason, String detail) {
    }

    private final DataSource dataSource;

    MigrationStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void insert(Migration m, TableRef ref, Change change) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO migration (id, name, target, table_name, key_column, key_kind,"
                    + " ulid_column, legacy_column, legacy_type, legacy_not_null, timestamp_column, batch_size, max_rows_per_second,"
                    + " state, settled_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                MigrationSpec s = m.spec();
                ps.setObject(1, uuid(m.id()));
                ps.setString(2, s.name());
                ps.setString(3, s.target());
                ps.setString(4, ref.table());
                ps.setString(5, ref.key());
                ps.setString(6, ref.keyKind().name());
                ps.setString(7, ref.ulid());
                ps.setString(8, ref.hasLegacy() ? ref.legacy() : "");
                ps.setString(9, ref.legacyType() == null ? "" : ref.legacyType());
                ps.setBoolean(10, ref.legacyNotNull());
                ps.setString(11, ref.hasTimestamp() ? ref.timestamp() : "");
                ps.setInt(12, s.batchSize());
                ps.setInt(13, s.maxRowsPerSecond());
                ps.setString(14, m.state().name());
                ps.setString(15, m.settledState().name());
                ps.setTimestamp(16, Timestamp.from(m.createdAt()));
                ps.setTimestamp(17, Timestamp.from(m.updatedAt()));
                ps.executeUpdate();
            }
            event(c, m.id(), change, "", m.state());
            c.commit();
        } catch (SQLException e) {
            throw Sql.failure(e);
        }
    }

    public Optional<StoredMigration> find(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM migration WHERE id = ?")) {
            ps.setObject(1, uuid(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw Sql.failure(e);
        }
    }

    /** Newest first; {@code beforeId} empty for the first page. */
    public List<StoredMigration> list(String target, String beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM migration WHERE true");
        List<Object> args = new ArrayList<>();
        if (!target.isEmpty()) {
            sql.append(" AND target = ?");
            args.add(target);
        }
        if (!beforeId.isEmpty()) {
            sql.append(" AND id < ?");
            args.add(uuid(beforeId));
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        return query(sql.toString(), args);
    }

    public List<StoredMigration> inState(MigrationState state) {
        return query("SELECT " + COLUMNS + " FROM migration WHERE state = ? ORDER BY id", List.of(state.name()));
    }

    /**
     * Moves {@code id} from {@code expected} to {@code next} (settled state {@code settled}) and logs
     * the change, in one transaction; false when the migration was no longer in {@code expected}.
     */
    public boolean transition(String id, MigrationState expected, MigrationState next, MigrationState settled,
                              String lastError, Long baselineRows, Change change) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE migration SET state = ?, settled_state = ?, last_error = ?,"
                    + " baseline_rows = coalesce(?, baseline_rows), rows_total = coalesce(?, rows_total), updated_at = now()"
                    + " WHERE id = ? AND state = ?")) {
                ps.setString(1, next.name());
                ps.setString(2, settled.name());
                ps.setString(3, lastError);
                ps.setObject(4, baselineRows);
                ps.setObject(5, baselineRows);
                ps.setObject(6, uuid(id));
                ps.setString(7, expected.name());
                updated = ps.executeUpdate();
            }
            if (updated == 1) {
                event(c, id, change, expected.name(), next);
            }
            c.commit();
            return updated == 1;
        } catch (SQLException e) {
            throw Sql.failure(e);
        }
    }

    /** Saves the backfill's checkpoint and progress in one commit. */
    public void checkpoint(String id, Checkpoint checkpoint, long rowsBackfilled, long rowsTotal, double rowsPerSecond) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE migration SET checkpoint_key = ?, last_ulid = ?, pass = ?,"
                     + " rows_backfilled = ?, rows_total = ?, rows_per_second = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, checkpoint.key());
            ps.setString(2, checkpoint.lastUlid());
            ps.setInt(3, checkpoint.pass());
            ps.setLong(4, rowsBackfilled);
            ps.setLong(5, rowsTotal);
            ps.setDouble(6, rowsPerSecond);
            ps.setObject(7, uuid(id));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Sql.failure(e);
        }
    }

    private List<StoredMigration> query(String sql, List<Object> args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<StoredMigration> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(read(rs));
                }
            }
            return result;
        } catch (SQLException e) {
            throw Sql.failure(e);
        }
    }

    private static void event(Connection c, String id, Change change, String from, MigrationState to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO migration_event (migration_id, step, from_state, to_state, actor, reason, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, uuid(id));
            ps.setString(2, change.step());
            ps.setString(3, from);
            ps.setString(4, to.name());
            ps.setString(5, change.actor());
            ps.setString(6, change.reason() == null ? "" : change.reason());
            ps.setString(7, change.detail() == null ? "" : change.detail());
            ps.executeUpdate();
        }
    }

    private static StoredMigration read(ResultSet rs) throws SQLException {
        String id = Ulids.format(Ulids.fromUuid(rs.getObject("id", UUID.class)));
        MigrationSpec spec = new MigrationSpec(rs.getString("name"), rs.getString("target"), rs.getString("table_name"),
                rs.getString("key_column"), rs.getString("ulid_column"), rs.getString("legacy_column"),
                rs.getString("timestamp_column"), rs.getInt("batch_size"), rs.getInt("max_rows_per_second"));
        Migration migration = new Migration(id, spec, MigrationState.valueOf(rs.getString("state")),
                MigrationState.valueOf(rs.getString("settled_state")), rs.getLong("rows_total"), rs.getLong("baseline_rows"),
                rs.getLong("rows_backfilled"), rs.getDouble("rows_per_second"), instant(rs, "created_at"), instant(rs, "updated_at"),
                rs.getString("last_error"));
        TableRef ref = new TableRef(spec.table(), spec.keyColumn(), KeyKind.valueOf(rs.getString("key_kind")), spec.ulidColumn(),
                spec.legacyColumn(), rs.getString("legacy_type"), rs.getBoolean("legacy_not_null"), spec.timestampColumn(), id);
        Checkpoint checkpoint = new Checkpoint(rs.getString("checkpoint_key"), rs.getString("last_ulid"), rs.getInt("pass"));
        return new StoredMigration(migration, ref, checkpoint);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }

    private static UUID uuid(String ulid) {
        return Ulids.toUuid(Ulids.parse("id", ulid));
    }
}
