package io.ulidmesh.rollout.store;

import io.ulidmesh.common.jdbc.Jdbc;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.rollout.domain.Baseline;
import io.ulidmesh.rollout.domain.Change;
import io.ulidmesh.rollout.domain.EventWakeups;
import io.ulidmesh.rollout.domain.JournalMarks;
import io.ulidmesh.rollout.domain.PhaseRecord;
import io.ulidmesh.rollout.domain.PhaseStatus;
import io.ulidmesh.rollout.domain.RolloutEventRecord;
import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.RolloutLog;
import io.ulidmesh.rollout.domain.RolloutRecord;
import io.ulidmesh.rollout.domain.RolloutRecord.RollbackKind;
import io.ulidmesh.rollout.domain.RolloutStatus;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import io.ulidmesh.rollout.domain.port.RolloutStore.RollbackStart;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/** Rollouts, phases, the change journal, baselines, events and rules' breach counts in PostgreSQL; each method one transaction. */
@ApplicationScoped
public class JdbcRolloutStore implements RolloutStore {
    private final DataSource ds;
    private final EventWakeups wakeups;

    public JdbcRolloutStore(DataSource ds, EventWakeups wakeups) {
        this.ds = ds;
        this.wakeups = wakeups;
    }

    /** Runs a transaction that appends events to {@code rolloutId}'s log, and wakes this replica's watchers once it committed. */
    private <T> T appending(String rolloutId, Jdbc.Work<T> work) {
        T result = Jdbc.inTransaction(ds, work);
        wakeups.ring(rolloutId);
        return result;
    }

    @Override
    public void insert(RolloutRecord r, String actor) {
        appending(r.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO rollout (id, name, state, plan_yaml, current_phase, created_at, updated_at) VALUES (?,?,?,?,?,?,?)")) {
                ps.setObject(1, uuid(r.id()));
                ps.setString(2, r.name());
                ps.setString(3, r.state().name());
                ps.setString(4, r.planYaml());
                ps.setInt(5, r.currentPhase());
                ps.setTimestamp(6, Timestamp.from(r.createdAt()));
                ps.setTimestamp(7, Timestamp.from(r.updatedAt()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO rollout_phase (rollout_id, idx, name, state) VALUES (?,?,?,?)")) {
                for (PhaseRecord p : r.phases()) {
                    ps.setObject(1, uuid(r.id()));
                    ps.setInt(2, p.idx());
                    ps.setString(3, p.name());
                    ps.setString(4, p.state().name());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            RolloutEventRows.append(c, r.id(), EventType.CREATED, "", "rollout " + r.name() + " created with " + r.phases().size() + " phases", actor);
            return null;
        });
    }

    @Override
    public Optional<RolloutRecord> find(String id) {
        // one statement, one round trip: a pushed signal's evaluation starts with this read
        return Jdbc.withConnection(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT r.*, p.idx AS p_idx, p.name AS p_name, p.state AS p_state, "
                    + "p.attempt AS p_attempt, p.bake_until AS p_bake_until, p.bake_remaining_ms AS p_bake_remaining_ms, "
                    + "p.gate_passed AS p_gate_passed, p.started_at AS p_started_at, p.finished_at AS p_finished_at "
                    + "FROM rollout r LEFT JOIN rollout_phase p ON p.rollout_id = r.id WHERE r.id = ? ORDER BY p.idx")) {
                ps.setObject(1, uuid(id));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    List<PhaseRecord> phases = new ArrayList<>();
                    RolloutRecord r = rollout(rs, List.of());
                    do {
                        if (rs.getObject("p_idx") != null) {
                            phases.add(phase(rs, "p_"));
                        }
                    } while (rs.next());
                    return Optional.of(r.withPhases(phases));
                }
            }
        });
    }

    @Override
    public List<RolloutRecord> list(int limit, String beforeId) {
        return Jdbc.inTransaction(ds, c -> {
            String sql = "SELECT * FROM rollout" + (beforeId == null ? "" : " WHERE id < ?") + " ORDER BY id DESC LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (beforeId != null) {
                    ps.setObject(i++, uuid(beforeId));
                }
                ps.setInt(i, limit);
                List<RolloutRecord> result = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(rollout(c, rs));
                    }
                }
                return result;
            }
        });
    }

    @Override
    public Map<RolloutStatus, Long> countByState() {
        return Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state, count(*) FROM rollout GROUP BY state");
                 ResultSet rs = ps.executeQuery()) {
                Map<RolloutStatus, Long> counts = new EnumMap<>(RolloutStatus.class);
                while (rs.next()) {
                    counts.put(RolloutStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
                return counts;
            }
        });
    }

    @Override
    public List<String> idsIn(List<RolloutStatus> states) {
        return Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM rollout WHERE state = ANY (?) ORDER BY id")) {
                ps.setArray(1, c.createArrayOf("text", states.stream().map(Enum::name).toArray()));
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(Ulids.format(Ulids.fromUuid(rs.getObject(1, UUID.class))));
                    }
                }
                return ids;
            }
        });
    }

    @Override
    public RolloutEventRecord save(RolloutRecord r, List<PhaseRecord> phases, JournalMarks marks, EventType type, String phase,
                                   String message, String actor) {
        return appending(r.id(), c -> {
            saveMarks(c, r.id(), marks, actor);
            updateRollout(c, r);
            for (PhaseRecord p : phases) {
                savePhase(c, r.id(), p);
            }
            return type == null ? null : RolloutEventRows.append(c, r.id(), type, phase, message, actor);
        });
    }

    @Override
    public RollbackStart startRollback(RolloutRecord moved, String breachMessage, String message, String actor) {
        // few statements: this transaction stands between a breach and its restore
        return appending(moved.id(), c -> {
            updateRollout(c, moved, true);
            String phase = moved.currentPhaseName();
            if (breachMessage != null) {
                RolloutEventRows.append(c, moved, EventType.SIGNAL_BREACHED, phase, breachMessage, actor);
            }
            RolloutEventRows.append(c, moved.id(), EventType.ROLLBACK_STARTED, phase, message, actor);
            PhaseRecord p = moved.current();
            return JournalRows.withOperator(c, moved.id(), p == null ? -1 : p.idx(), p == null ? 0 : p.attempt());
        });
    }

    private static void updateRollout(Connection c, RolloutRecord r) throws SQLException {
        updateRollout(c, r, false);
    }

    /** Saves the rollout's own columns; with {@code clearingBreachCounts} its breach counts go in the same statement. */
    private static void updateRollout(Connection c, RolloutRecord r, boolean clearingBreachCounts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement((clearingBreachCounts
                ? "WITH cleared AS (DELETE FROM rollout_breach_count WHERE rollout_id = ?) " : "")
                + "UPDATE rollout SET state = ?, current_phase = ?, last_reason = ?, rollback_kind = ?, updated_at = now() WHERE id = ?")) {
            int i = 1;
            if (clearingBreachCounts) {
                ps.setObject(i++, uuid(r.id()));
            }
            ps.setString(i++, r.state().name());
            ps.setInt(i++, r.currentPhase());
            ps.setString(i++, r.lastReason());
            ps.setString(i++, r.rollbackKind() == null ? null : r.rollbackKind().name());
            ps.setObject(i, uuid(r.id()));
            ps.executeUpdate();
        }
    }

    @Override
    public RolloutEventRecord event(String rolloutId, EventType type, String phase, String message, String actor) {
        return appending(rolloutId, c -> RolloutEventRows.append(c, rolloutId, type, phase, message, actor));
    }

    @Override
    public List<RolloutEventRecord> events(String rolloutId, long afterSequence, int limit) {
        return Jdbc.inTransaction(ds, c -> RolloutEventRows.after(c, rolloutId, afterSequence, limit));
    }

    @Override
    public Optional<String> lastOperator(String rolloutId, String controller) {
        return Jdbc.withConnection(ds, c -> RolloutEventRows.lastActorOtherThan(c, rolloutId, controller));
    }

    @Override
    public List<Change> changes(String rolloutId, int phaseIdx, int attempt) {
        return Jdbc.withConnection(ds, c -> JournalRows.of(c, rolloutId, phaseIdx, attempt));
    }

    @Override
    public RolloutEventRecord beginPhase(RolloutRecord r, PhaseRecord applying, List<Change> journal, List<Baseline> baselines,
                                         String message) {
        return appending(r.id(), c -> {
            BaselineRows.insert(c, r.id(), applying, baselines);
            JournalRows.insert(c, journal);
            savePhase(c, r.id(), applying);
            try (PreparedStatement ps = c.prepareStatement("UPDATE rollout SET updated_at = now() WHERE id = ?")) {
                ps.setObject(1, uuid(r.id()));
                ps.executeUpdate();
            }
            return RolloutEventRows.append(c, r.id(), EventType.PHASE_STARTED, applying.name(), message, RolloutLog.CONTROLLER);
        });
    }

    @Override
    public Map<Integer, Baseline> baselines(String rolloutId, int phaseIdx, int attempt) {
        return Jdbc.inTransaction(ds, c -> BaselineRows.of(c, rolloutId, phaseIdx, attempt));
    }

    @Override
    public void updateChange(Change ch) {
        Jdbc.inTransaction(ds, c -> {
            JournalRows.marks(c, List.of(ch));
            return null;
        });
    }

    @Override
    public void updateChanges(String rolloutId, JournalMarks marks, String actor) {
        appending(rolloutId, c -> {
            saveMarks(c, rolloutId, marks, actor);
            return null;
        });
    }

    private static void saveMarks(Connection c, String rolloutId, JournalMarks marks, String actor) throws SQLException {
        if (!marks.changes().isEmpty()) {
            JournalRows.marks(c, marks.changes());
        }
        for (String message : marks.flagSetMessages()) {
            RolloutEventRows.append(c, rolloutId, EventType.FLAG_SET, marks.phase(), message, actor);
        }
    }

    @Override
    public void journalPrevious(Change ch, String phase, String message, String actor) {
        appending(ch.rolloutId(), c -> {
            JournalRows.previous(c, ch);
            if (message != null) {
                RolloutEventRows.append(c, ch.rolloutId(), EventType.FLAG_SET, phase, message, actor);
            }
            return null;
        });
    }

    @Override
    public Map<Integer, Integer> breachCounts(String rolloutId, int phaseIdx, int attempt) {
        return Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT rule_idx, in_a_row FROM rollout_breach_count "
                    + "WHERE rollout_id = ? AND phase_idx = ? AND attempt = ?")) {
                bindAttempt(ps, rolloutId, phaseIdx, attempt);
                Map<Integer, Integer> counts = new TreeMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getInt(1), rs.getInt(2));
                    }
                }
                return counts;
            }
        });
    }

    @Override
    public void saveBreachCount(String rolloutId, PhaseRecord p, int ruleIdx, int inARow, String breachMessage, String actor) {
        appending(rolloutId, c -> {
            try (PreparedStatement ps = c.prepareStatement(inARow == 0
                    ? "DELETE FROM rollout_breach_count WHERE rollout_id = ? AND phase_idx = ? AND attempt = ? AND rule_idx = ?"
                    : "INSERT INTO rollout_breach_count (rollout_id, phase_idx, attempt, rule_idx, in_a_row) VALUES (?,?,?,?,?) "
                    + "ON CONFLICT (rollout_id, phase_idx, attempt, rule_idx) DO UPDATE SET in_a_row = EXCLUDED.in_a_row")) {
                bindAttempt(ps, rolloutId, p.idx(), p.attempt());
                ps.setInt(4, ruleIdx);
                if (inARow != 0) {
                    ps.setInt(5, inARow);
                }
                ps.executeUpdate();
            }
            return breachMessage == null ? null : RolloutEventRows.append(c, rolloutId, EventType.SIGNAL_BREACHED, p.name(), breachMessage, actor);
        });
    }

    @Override
    public void clearBreachCounts(String rolloutId) {
        Jdbc.inTransaction(ds, c -> {
            clearBreachCounts(c, rolloutId);
            return null;
        });
    }

    private static void clearBreachCounts(Connection c, String rolloutId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM rollout_breach_count WHERE rollout_id = ?")) {
            ps.setObject(1, uuid(rolloutId));
            ps.executeUpdate();
        }
    }

    private static void savePhase(Connection c, String rolloutId, PhaseRecord p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE rollout_phase SET state = ?, attempt = ?, bake_until = ?, "
                + "bake_remaining_ms = ?, gate_passed = ?, started_at = ?, finished_at = ? WHERE rollout_id = ? AND idx = ?")) {
            ps.setString(1, p.state().name());
            ps.setInt(2, p.attempt());
            ps.setTimestamp(3, p.bakeUntil() == null ? null : Timestamp.from(p.bakeUntil()));
            setNullable(ps, 4, p.bakeRemainingMs(), Types.BIGINT);
            ps.setBoolean(5, p.gatePassed());
            ps.setTimestamp(6, p.startedAt() == null ? null : Timestamp.from(p.startedAt()));
            ps.setTimestamp(7, p.finishedAt() == null ? null : Timestamp.from(p.finishedAt()));
            ps.setObject(8, uuid(rolloutId));
            ps.setInt(9, p.idx());
            ps.executeUpdate();
        }
    }

    /** The rollout of the current row with its phases read by a statement of their own. */
    private static RolloutRecord rollout(Connection c, ResultSet rs) throws SQLException {
        List<PhaseRecord> phases = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollout_phase WHERE rollout_id = ? ORDER BY idx")) {
            ps.setObject(1, rs.getObject("id", UUID.class));
            try (ResultSet p = ps.executeQuery()) {
                while (p.next()) {
                    phases.add(phase(p, ""));
                }
            }
        }
        return rollout(rs, phases);
    }

    /** The rollout of the current row, with {@code phases}. */
    private static RolloutRecord rollout(ResultSet rs, List<PhaseRecord> phases) throws SQLException {
        String kind = rs.getString("rollback_kind");
        return new RolloutRecord(Ulids.format(Ulids.fromUuid(rs.getObject("id", UUID.class))), rs.getString("name"),
                RolloutStatus.valueOf(rs.getString("state")), rs.getString("plan_yaml"), rs.getInt("current_phase"),
                rs.getString("last_reason"), kind == null ? null : RollbackKind.valueOf(kind), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), List.copyOf(phases));
    }

    /** The phase in the current row, its columns named with {@code prefix}. */
    private static PhaseRecord phase(ResultSet p, String prefix) throws SQLException {
        return new PhaseRecord(p.getInt(prefix + "idx"), p.getString(prefix + "name"), PhaseStatus.valueOf(p.getString(prefix + "state")),
                p.getInt(prefix + "attempt"), instant(p.getTimestamp(prefix + "bake_until")), (Long) p.getObject(prefix + "bake_remaining_ms"),
                p.getBoolean(prefix + "gate_passed"), instant(p.getTimestamp(prefix + "started_at")),
                instant(p.getTimestamp(prefix + "finished_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static void setNullable(PreparedStatement ps, int i, Object value, int type) throws SQLException {
        if (value == null) {
            ps.setNull(i, type);
        } else {
            ps.setObject(i, value);
        }
    }

    static UUID uuid(String ulid) {
        return Ulids.toUuid(Ulids.parse("id", ulid));
    }

    /** Binds a phase attempt's key (rollout, phase index, attempt) as the statement's first three parameters. */
    static void bindAttempt(PreparedStatement ps, String rolloutId, int phaseIdx, int attempt) throws SQLException {
        ps.setObject(1, uuid(rolloutId));
        ps.setInt(2, phaseIdx);
        ps.setInt(3, attempt);
    }
}
