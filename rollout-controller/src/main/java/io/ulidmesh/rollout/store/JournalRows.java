package io.ulidmesh.rollout.store;

import static io.ulidmesh.rollout.store.JdbcRolloutStore.bindAttempt;
import static io.ulidmesh.rollout.store.JdbcRolloutStore.setNullable;
import static io.ulidmesh.rollout.store.JdbcRolloutStore.uuid;

import io.ulidmesh.rollout.domain.Change;
import io.ulidmesh.rollout.domain.RolloutLog;
import io.ulidmesh.rollout.domain.port.RolloutStore.RollbackStart;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of the phases' change journal (table {@code rollout_change}), on a connection the store's transaction holds. */
final class JournalRows {
    private JournalRows() {
    }

    /** Records a phase attempt's journal before anything of it is applied. */
    static void insert(Connection c, List<Change> journal) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_change (rollout_id, phase_idx, attempt, pos, kind, "
                + "subject, prev_exists, prev_basis_points, prev_version, target_basis_points, migration_index) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            for (Change ch : journal) {
                bindEntry(ps, 1, ch);
                ps.setString(5, ch.kind().name());
                ps.setString(6, ch.subject());
                ps.setBoolean(7, ch.prevExists());
                setNullable(ps, 8, ch.prevBasisPoints(), Types.INTEGER);
                setNullable(ps, 9, ch.prevVersion(), Types.BIGINT);
                setNullable(ps, 10, ch.targetBasisPoints(), Types.INTEGER);
                setNullable(ps, 11, ch.migrationIndex(), Types.INTEGER);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** One phase attempt's journal, in the order its changes are applied. */
    static List<Change> of(Connection c, String rolloutId, int phaseIdx, int attempt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollout_change WHERE rollout_id = ? AND phase_idx = ? "
                + "AND attempt = ? ORDER BY pos")) {
            bindAttempt(ps, rolloutId, phaseIdx, attempt);
            List<Change> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(change(rs, rolloutId, phaseIdx, attempt));
                }
            }
            return result;
        }
    }

    /** A phase attempt's journal ({@code phaseIdx} -1: none) and the rollout's last operator, in one statement. */
    static RollbackStart withOperator(Connection c, String rolloutId, int phaseIdx, int attempt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT o.operator, ch.* FROM (SELECT (SELECT actor FROM rollout_event "
                + "WHERE rollout_id = ? AND actor <> ? ORDER BY sequence DESC LIMIT 1) AS operator) o LEFT JOIN rollout_change ch "
                + "ON ch.rollout_id = ? AND ch.phase_idx = ? AND ch.attempt = ? ORDER BY ch.pos")) {
            ps.setObject(1, uuid(rolloutId));
            ps.setString(2, RolloutLog.CONTROLLER);
            ps.setObject(3, uuid(rolloutId));
            ps.setInt(4, phaseIdx);
            ps.setInt(5, attempt);
            List<Change> journal = new ArrayList<>();
            String operator = null;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    operator = rs.getString("operator");
                    if (rs.getObject("pos") != null) {
                        journal.add(change(rs, rolloutId, phaseIdx, attempt));
                    }
                }
            }
            return new RollbackStart(phaseIdx, attempt, journal, Optional.ofNullable(operator));
        }
    }

    private static Change change(ResultSet rs, String rolloutId, int phaseIdx, int attempt) throws SQLException {
        return new Change(rolloutId, phaseIdx, attempt, rs.getInt("pos"), Change.Kind.valueOf(rs.getString("kind")),
                rs.getString("subject"), rs.getBoolean("prev_exists"), (Integer) rs.getObject("prev_basis_points"),
                (Long) rs.getObject("prev_version"), (Integer) rs.getObject("target_basis_points"),
                (Integer) rs.getObject("migration_index"), rs.getString("migration_id"), rs.getInt("steps_done"),
                rs.getBoolean("applied"), rs.getBoolean("restored"), (Long) rs.getObject("applied_version"));
    }

    /** Saves entries' migration id, steps done, applied and restored marks and applied version. */
    static void marks(Connection c, List<Change> changes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE rollout_change SET migration_id = ?, steps_done = ?, applied = ?, "
                + "restored = ?, applied_version = ? WHERE rollout_id = ? AND phase_idx = ? AND attempt = ? AND pos = ?")) {
            for (Change ch : changes) {
                ps.setString(1, ch.migrationId());
                ps.setInt(2, ch.stepsDone());
                ps.setBoolean(3, ch.applied());
                ps.setBoolean(4, ch.restored());
                setNullable(ps, 5, ch.appliedVersion(), Types.BIGINT);
                bindEntry(ps, 6, ch);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Rewrites what a flag entry records as the flag before the change (exists, value, version). */
    static void previous(Connection c, Change ch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE rollout_change SET prev_exists = ?, prev_basis_points = ?, "
                + "prev_version = ? WHERE rollout_id = ? AND phase_idx = ? AND attempt = ? AND pos = ?")) {
            ps.setBoolean(1, ch.prevExists());
            setNullable(ps, 2, ch.prevBasisPoints(), Types.INTEGER);
            setNullable(ps, 3, ch.prevVersion(), Types.BIGINT);
            bindEntry(ps, 4, ch);
            ps.executeUpdate();
        }
    }

    /** Binds an entry's key (rollout, phase, attempt, position) to the four parameters from {@code first}. */
    private static void bindEntry(PreparedStatement ps, int first, Change ch) throws SQLException {
        ps.setObject(first, uuid(ch.rolloutId()));
        ps.setInt(first + 1, ch.phaseIdx());
        ps.setInt(first + 2, ch.attempt());
        ps.setInt(first + 3, ch.pos());
    }
}
