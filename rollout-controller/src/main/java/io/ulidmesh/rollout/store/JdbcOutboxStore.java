package io.ulidmesh.rollout.store;

import io.ulidmesh.common.jdbc.Jdbc;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.rollout.domain.NotificationBodies;
import io.ulidmesh.rollout.domain.NotificationEvent;
import io.ulidmesh.rollout.domain.plan.NotificationSpec;
import io.ulidmesh.rollout.domain.port.OutboxStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** The notification outbox (rollout_outbox) and its deliveries (rollout_delivery) in PostgreSQL. */
@ApplicationScoped
public class JdbcOutboxStore implements OutboxStore {
    private final DataSource ds;

    public JdbcOutboxStore(DataSource ds) {
        this.ds = ds;
    }

    @Override
    public List<Pending> unexpanded(int limit) {
        return Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, rollout_id, event FROM rollout_outbox WHERE NOT expanded "
                    + "ORDER BY id LIMIT ?")) {
                ps.setInt(1, limit);
                List<Pending> result = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new Pending(rs.getLong(1), Ulids.format(Ulids.fromUuid(rs.getObject(2, UUID.class))), rs.getString(3)));
                    }
                }
                return result;
            }
        });
    }

    @Override
    public void expand(long outboxId, List<NotificationSpec> destinations, int planFrom) {
        Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_delivery (outbox_id, destination, webhook, format, "
                    + "secret_env, from_plan) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
                for (int i = 0; i < destinations.size(); i++) {
                    NotificationSpec n = destinations.get(i);
                    ps.setLong(1, outboxId);
                    ps.setInt(2, i);
                    ps.setString(3, n.webhook());
                    ps.setString(4, n.format().name());
                    ps.setString(5, n.secretEnv());
                    ps.setBoolean(6, i >= planFrom);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE rollout_outbox SET expanded = true WHERE id = ?")) {
                ps.setLong(1, outboxId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Delivery> due(Instant now, int limit) {
        return Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT d.*, o.event, o.snapshot FROM rollout_delivery d "
                    + "JOIN rollout_outbox o ON o.id = d.outbox_id WHERE d.delivered_at IS NULL AND d.next_attempt_at <= ? "
                    + "ORDER BY d.next_attempt_at, d.outbox_id LIMIT ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setInt(2, limit);
                List<Delivery> result = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        NotificationSpec to = new NotificationSpec(rs.getString("webhook"), Set.of(rs.getString("event")),
                                NotificationSpec.Format.valueOf(rs.getString("format")), rs.getString("secret_env"));
                        result.add(new Delivery(rs.getLong("outbox_id"), rs.getInt("destination"), to, rs.getBoolean("from_plan"),
                                rs.getInt("attempts"), snapshot(rs.getString("snapshot"))));
                    }
                }
                return result;
            }
        });
    }

    @Override
    public void delivered(Delivery d) {
        update(d, "UPDATE rollout_delivery SET delivered_at = now(), attempts = attempts + 1, last_error = '' "
                + "WHERE outbox_id = ? AND destination = ?", null, null);
    }

    @Override
    public void retryLater(Delivery d, Instant next, String error) {
        update(d, "UPDATE rollout_delivery SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                + "WHERE outbox_id = ? AND destination = ?", next, error);
    }

    private void update(Delivery d, String sql, Instant next, String error) {
        Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (next != null) {
                    ps.setTimestamp(i++, Timestamp.from(next));
                    ps.setString(i++, error);
                }
                ps.setLong(i++, d.outboxId());
                ps.setInt(i, d.destination());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static NotificationEvent snapshot(String json) {
        try {
            return NotificationBodies.JSON.readValue(json, NotificationEvent.class);
        } catch (IOException e) {
            throw new IllegalStateException("an outbox snapshot is not readable JSON", e);
        }
    }
}
