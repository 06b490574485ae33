package io.ulidmesh.rollout.store;

import static io.ulidmesh.rollout.store.JdbcRolloutStore.uuid;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ulidmesh.rollout.domain.NotificationBodies;
import io.ulidmesh.rollout.domain.NotificationEvent;
import io.ulidmesh.rollout.domain.RolloutEventRecord;
import io.ulidmesh.rollout.domain.RolloutRecord;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a notifiable event to the outbox on the connection of the transaction that appends it, with
 * the rollout as that transaction sees it: the state change and its notification commit together.
 */
final class OutboxRows {
    private OutboxRows() {
    }

    /** Writes {@code e}'s notification, if it has one, with the rollout as the transaction reads it. */
    static void write(Connection c, RolloutEventRecord e) throws SQLException {
        String event = NotificationEvent.eventName(e.type());
        if (event == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT r.name, r.state, r.current_phase, r.last_reason, "
                + "COALESCE(p.name, '') AS phase_name FROM rollout r LEFT JOIN rollout_phase p ON p.rollout_id = r.id "
                + "AND p.idx = r.current_phase WHERE r.id = ?")) {
            ps.setObject(1, uuid(e.rolloutId()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                insert(c, new NotificationEvent(NotificationEvent.id(e.rolloutId(), e.sequence()), event, e.type().name(),
                        e.rolloutId(), rs.getString("name"), e.sequence(), e.at().toString(), e.phase(), e.message(), e.actor(),
                        rs.getString("state"), rs.getInt("current_phase"), rs.getString("phase_name"), rs.getString("last_reason"),
                        event.equals("rolled-back") ? restored(c, e) : List.of()));
            }
        }
    }

    /**
     * {@link #write(Connection, RolloutEventRecord)} where the transaction has just saved the rollout
     * as {@code written}: the snapshot is taken from it, without reading it back.
     */
    static void write(Connection c, RolloutEventRecord e, RolloutRecord written) throws SQLException {
        String event = NotificationEvent.eventName(e.type());
        if (event == null) {
            return;
        }
        insert(c, new NotificationEvent(NotificationEvent.id(e.rolloutId(), e.sequence()), event, e.type().name(), e.rolloutId(),
                written.name(), e.sequence(), e.at().toString(), e.phase(), e.message(), e.actor(), written.state().name(),
                written.currentPhase(), written.currentPhaseName(), written.lastReason(),
                event.equals("rolled-back") ? restored(c, e) : List.of()));
    }

    private static void insert(Connection c, NotificationEvent snapshot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_outbox (rollout_id, sequence, event, snapshot) "
                + "VALUES (?, ?, ?, ?)")) {
            ps.setObject(1, uuid(snapshot.rolloutId()));
            ps.setLong(2, snapshot.sequence());
            ps.setString(3, snapshot.event());
            ps.setString(4, NotificationBodies.JSON.writeValueAsString(snapshot));
            ps.executeUpdate();
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a notification could not be written as JSON", ex);
        }
    }

    /** What the rollback of the event's phase (its current attempt) put back, in the order it was undone. */
    private static List<NotificationEvent.Restored> restored(Connection c, RolloutEventRecord e) throws SQLException {
        List<NotificationEvent.Restored> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ch.* FROM rollout_change ch JOIN rollout_phase p "
                + "ON p.rollout_id = ch.rollout_id AND p.idx = ch.phase_idx AND p.attempt = ch.attempt "
                + "WHERE ch.rollout_id = ? AND p.name = ? AND ch.restored ORDER BY ch.pos DESC")) {
            ps.setObject(1, uuid(e.rolloutId()));
            ps.setString(2, e.phase());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString("kind").equals("FLAG")) {
                        Integer prev = (Integer) rs.getObject("prev_basis_points");
                        result.add(new NotificationEvent.Restored("flag", rs.getString("subject"),
                                rs.getBoolean("prev_exists") && prev != null ? new FlagValue(prev).text() : "absent"));
                    } else {
                        String id = rs.getString("migration_id");
                        result.add(new NotificationEvent.Restored("migration", id == null ? rs.getString("subject") : id, ""));
                    }
                }
            }
        }
        return result;
    }
}
