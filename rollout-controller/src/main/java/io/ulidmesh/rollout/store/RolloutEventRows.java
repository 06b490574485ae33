package io.ulidmesh.rollout.store;

import static io.ulidmesh.rollout.store.JdbcRolloutStore.uuid;

import io.ulidmesh.rollout.domain.RolloutEventRecord;
import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.RolloutRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of a rollout's event log (table {@code rollout_event}), on a connection the store's transaction holds. */
final class RolloutEventRows {
    /** NOTIFY channel of committed events; the payload is the rollout's id. PostgreSQL delivers it at commit. */
    static final String CHANNEL = "ulidmesh_rollout_events";

    private RolloutEventRows() {
    }

    /**
     * Appends the rollout's next event (sequence = last + 1) with its notification, read against the
     * rollout as the transaction sees it, and returns it as stored.
     */
    static RolloutEventRecord append(Connection c, String rolloutId, EventType type, String phase, String message,
                                      String actor) throws SQLException {
        RolloutEventRecord appended = insert(c, rolloutId, type, phase, message, actor);
        OutboxRows.write(c, appended);
        return appended;
    }

    /** {@link #append} right after the transaction saved the rollout as {@code written}, whose notification is taken from it. */
    static RolloutEventRecord append(Connection c, RolloutRecord written, EventType type, String phase, String message,
                                      String actor) throws SQLException {
        RolloutEventRecord appended = insert(c, written.id(), type, phase, message, actor);
        OutboxRows.write(c, appended, written);
        return appended;
    }

    /**
     * Inserts the event, and tells every replica's watchers at commit that the rollout has new events
     * (WatchRollout across replicas): pg_notify in the same statement spares a round trip, and
     * PostgreSQL delivers a transaction's identical notifications once.
     */
    private static RolloutEventRecord insert(Connection c, String rolloutId, EventType type, String phase, String message,
                                             String actor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_event (rollout_id, sequence, type, phase, message, actor) "
                + "SELECT ?, COALESCE(MAX(sequence), 0) + 1, ?, ?, ?, ? FROM rollout_event WHERE rollout_id = ? "
                + "RETURNING sequence, at, pg_notify(?, ?)")) {
            ps.setObject(1, uuid(rolloutId));
            ps.setString(2, type.name());
            ps.setString(3, phase == null ? "" : phase);
            ps.setString(4, message);
            ps.setString(5, actor);
            ps.setObject(6, uuid(rolloutId));
            ps.setString(7, CHANNEL);
            ps.setString(8, rolloutId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new RolloutEventRecord(rolloutId, rs.getLong(1), rs.getTimestamp(2).toInstant(), type,
                        phase == null ? "" : phase, message, actor);
            }
        }
    }

    static List<RolloutEventRecord> after(Connection c, String rolloutId, long afterSequence, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollout_event WHERE rollout_id = ? AND sequence > ? "
                + "ORDER BY sequence LIMIT ?")) {
            ps.setObject(1, uuid(rolloutId));
            ps.setLong(2, afterSequence);
            ps.setInt(3, limit);
            List<RolloutEventRecord> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new RolloutEventRecord(rolloutId, rs.getLong("sequence"), rs.getTimestamp("at").toInstant(),
                            EventType.valueOf(rs.getString("type")), rs.getString("phase"), rs.getString("message"),
                            rs.getString("actor")));
                }
            }
            return result;
        }
    }

    static Optional<String> lastActorOtherThan(Connection c, String rolloutId, String controller) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT actor FROM rollout_event WHERE rollout_id = ? AND actor <> ? "
                + "ORDER BY sequence DESC LIMIT 1")) {
            ps.setObject(1, uuid(rolloutId));
            ps.setString(2, controller);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
