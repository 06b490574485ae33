package io.ulidmesh.rollout.store;

import io.ulidmesh.rollout.domain.Baseline;
import io.ulidmesh.rollout.domain.PhaseRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The rollout_baseline rows of a phase attempt, written in the transaction that starts it. */
final class BaselineRows {
    private BaselineRows() {
    }

    static void insert(Connection c, String rolloutId, PhaseRecord p, List<Baseline> baselines) throws SQLException {
        if (baselines.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_baseline (rollout_id, phase_idx, attempt, rule_idx, value, "
                + "window_ms, taken_at, detail) VALUES (?,?,?,?,?,?,?,?)")) {
            for (Baseline b : baselines) {
                JdbcRolloutStore.bindAttempt(ps, rolloutId, p.idx(), p.attempt());
                ps.setInt(4, b.ruleIdx());
                JdbcRolloutStore.setNullable(ps, 5, b.value(), Types.DOUBLE);
                ps.setLong(6, b.window().toMillis());
                ps.setTimestamp(7, Timestamp.from(b.at()));
                ps.setString(8, b.detail());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static Map<Integer, Baseline> of(Connection c, String rolloutId, int phaseIdx, int attempt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rule_idx, value, window_ms, taken_at, detail FROM rollout_baseline "
                + "WHERE rollout_id = ? AND phase_idx = ? AND attempt = ?")) {
            JdbcRolloutStore.bindAttempt(ps, rolloutId, phaseIdx, attempt);
            Map<Integer, Baseline> result = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getInt(1), new Baseline(rs.getInt(1), (Double) rs.getObject(2), Duration.ofMillis(rs.getLong(3)),
                            rs.getTimestamp(4).toInstant(), rs.getString(5)));
                }
            }
            return result;
        }
    }
}
