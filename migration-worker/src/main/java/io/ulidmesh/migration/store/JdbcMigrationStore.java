package io.ulidmesh.migration.store;

import io.ulidmesh.common.jdbc.Jdbc;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.migration.domain.Change;
import io.ulidmesh.migration.domain.Checkpoint;
import io.ulidmesh.migration.domain.MigrationRecord;
import io.ulidmesh.migration.domain.MigrationRepository;
import io.ulidmesh.migration.domain.Stage;
import io.ulidmesh.migration.domain.StoredMigration;
import io.ulidmesh.migration.domain.UlidColumnSpec;
import io.ulidmesh.migration.domain.target.KeyKind;
import io.ulidmesh.migration.domain.target.TableRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Migrations, their checkpoints and their event log in the worker's own PostgreSQL. */
@ApplicationScoped
public class JdbcMigrationStore implements MigrationRepository {
    private static final String SELECT = "SELECT id, name, target, table_name, key_column, key_kind, ulid_column, legacy_column,"
            + " legacy_type, legacy_not_null, timestamp_column, batch_size, max_rows_per_second, state, settled_state, rows_total,"
            + " baseline_rows, rows_backfilled, rows_per_second, checkpoint_key, last_ulid, pass, created_at, updated_at, last_error"
            + " FROM migration";

    private final DataSource dataSource;

    JdbcMigrationStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void insert(MigrationRecord m, TableRef ref, Change change) {
        Jdbc.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO migration (id, name, target, table_name, key_column, key_kind,"
                    + " ulid_column, legacy_column, legacy_type, legacy_not_null, timestamp_column, batch_size, max_rows_per_second,"
                    + " state, settled_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                UlidColumnSpec s = m.spec();
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
            return null;
        });
    }

    @Override
    public Optional<StoredMigration> find(String id) {
        return query(SELECT + " WHERE id = ?", List.of(uuid(id))).stream().findFirst();
    }

    @Override
    public List<StoredMigration> list(String target, String beforeId, int limit) {
        StringBuilder sql = new StringBuilder(SELECT + " WHERE true");
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

    @Override
    public List<StoredMigration> inStage(Stage stage) {
        return query(SELECT + " WHERE state = ? ORDER BY id", List.of(stage.name()));
    }

    @Override
    public boolean transition(String id, Stage expected, Stage next, Stage settled, String lastError, Long baselineRows,
                              Change change) {
        return Jdbc.inTransaction(dataSource, c -> {
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
            return updated == 1;
        });
    }

    @Override
    public void checkpoint(String id, Checkpoint checkpoint, long rowsBackfilled, long rowsTotal, double rowsPerSecond) {
        Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE migration SET checkpoint_key = ?, last_ulid = ?, pass = ?,"
                    + " rows_backfilled = ?, rows_total = ?, rows_per_second = ?, updated_at = now() WHERE id = ?")) {
                ps.setString(1, checkpoint.key());
                ps.setString(2, checkpoint.lastUlid());
                ps.setInt(3, checkpoint.pass());
                ps.setLong(4, rowsBackfilled);
                ps.setLong(5, rowsTotal);
                ps.setDouble(6, rowsPerSecond);
                ps.setObject(7, uuid(id));
                return ps.executeUpdate();
            }
        });
    }

    private List<StoredMigration> query(String sql, List<Object> args) {
        return Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
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
            }
        });
    }

    @Override
    public boolean tune(String id, Stage expected, int batchSize, int maxRowsPerSecond, Change change) {
        return Jdbc.inTransaction(dataSource, c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE migration SET batch_size = ?, max_rows_per_second = ?,"
                    + " updated_at = now() WHERE id = ? AND state = ?")) {
                ps.setInt(1, batchSize);
                ps.setInt(2, maxRowsPerSecond);
                ps.setObject(3, uuid(id));
                ps.setString(4, expected.name());
                updated = ps.executeUpdate();
            }
            if (updated == 1) {
                event(c, id, change, expected.name(), expected);
            }
            return updated == 1;
        });
    }

    private static void event(Connection c, String id, Change change, String from, Stage to) throws SQLException {
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
        UlidColumnSpec spec = new UlidColumnSpec(rs.getString("name"), rs.getString("target"), rs.getString("table_name"),
                rs.getString("key_column"), rs.getString("ulid_column"), rs.getString("legacy_column"),
                rs.getString("timestamp_column"), rs.getInt("batch_size"), rs.getInt("max_rows_per_second"));
        MigrationRecord migration = new MigrationRecord(id, spec, Stage.valueOf(rs.getString("state")),
                Stage.valueOf(rs.getString("settled_state")), rs.getLong("rows_total"), rs.getLong("baseline_rows"),
                rs.getLong("rows_backfilled"), rs.getDouble("rows_per_second"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getString("last_error"));
        TableRef ref = new TableRef(spec.table(), spec.keyColumn(), KeyKind.valueOf(rs.getString("key_kind")), spec.ulidColumn(),
                spec.legacyColumn(), rs.getString("legacy_type"), rs.getBoolean("legacy_not_null"), spec.timestampColumn(), id);
        Checkpoint checkpoint = new Checkpoint(rs.getString("checkpoint_key"), rs.getString("last_ulid"), rs.getInt("pass"));
        return new StoredMigration(migration, ref, checkpoint);
    }

    private static UUID uuid(String ulid) {
        return Ulids.toUuid(Ulids.parse("id", ulid));
    }
}
