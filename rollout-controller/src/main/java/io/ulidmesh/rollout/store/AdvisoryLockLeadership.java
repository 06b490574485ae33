package io.ulidmesh.rollout.store;

import io.ulidmesh.rollout.domain.port.Leadership;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One active controller at a time: the one holding {@code pg_try_advisory_lock(key)} on a
 * dedicated connection, held for the life of the leadership. When that process dies PostgreSQL
 * ends its session and frees the lock; a standby's next {@link #check} takes it over.
 */
public class AdvisoryLockLeadership implements Leadership {
    private static final Logger LOG = Logger.getLogger(AdvisoryLockLeadership.class);
    private final String jdbcUrl;
    private final Properties connectionProperties;
    private final long lockKey;
    private final AtomicBoolean leader = new AtomicBoolean();
    private Connection lockConnection;

    public AdvisoryLockLeadership(String jdbcUrl, String username, String password, long lockKey) {
        this.jdbcUrl = jdbcUrl;
        this.lockKey = lockKey;
        // The lock dies with this session, never with a pool's idle reaping.
        this.connectionProperties = OwnConnections.properties(username, password, "rollout-controller-leadership");
    }

    @Override
    public boolean isLeader() {
        return leader.get();
    }

    /** Takes the lock when it is free, and notices when the connection holding it broke. */
    public synchronized void check() {
        try {
            if (lockConnection == null || !lockConnection.isValid(2)) {
                if (leader.getAndSet(false)) {
                    LOG.warnf("lost the leadership lock %d: its connection broke", lockKey);
                }
                release();
                lockConnection = DriverManager.getConnection(jdbcUrl, connectionProperties);
            }
            if (!leader.get()) {
                try (PreparedStatement ps = lockConnection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    ps.setLong(1, lockKey);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            leader.set(true);
                            LOG.infof("took the leadership lock %d: this controller is active", lockKey);
                        }
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (leader.getAndSet(false)) {
                LOG.warnf("lost the leadership lock %d: %s", lockKey, e.getMessage());
            }
            release();
        }
    }

    /** Gives the lock up with its session. */
    public synchronized void close() {
        leader.set(false);
        release();
    }

    private void release() {
        if (lockConnection != null) {
            try {
                lockConnection.close();
            } catch (SQLException ignored) {
                // the session is gone either way, and with it the lock
            }
            lockConnection = null;
        }
    }
}
