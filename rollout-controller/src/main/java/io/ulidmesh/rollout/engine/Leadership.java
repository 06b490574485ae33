package io.ulidmesh.rollout.engine;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.rollout.config.RolloutConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One active controller at a time: the one holding {@code pg_try_advisory_lock(key)} on a
 * dedicated connection, held for the life of the leadership. When that process dies PostgreSQL
 * ends its session and frees the lock; a standby's next try takes it over.
 */
@ApplicationScoped
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);
    private final RolloutConfig config;
    private final AtomicBoolean leader = new AtomicBoolean();
    private ScheduledExecutorService timer;
    private Connection lockConnection;

    public Leadership(RolloutConfig config) {
        this.config = config;
    }

    void start(@Observes StartupEvent ignored) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rollout-leadership"));
        timer.scheduleWithFixedDelay(this::check, 0, config.leaderRetry().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        timer.shutdownNow();
        release();
    }

    public boolean isLeader() {
        return leader.get();
    }

    private synchronized void check() {
        try {
            if (lockConnection == null || !lockConnection.isValid(2)) {
                if (leader.getAndSet(false)) {
                    LOG.warnf("lost the leadership lock %d: its connection broke", config.lockKey());
                }
                release();
                lockConnection = openLockConnection();
            }
            if (!leader.get()) {
                try (PreparedStatement ps = lockConnection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    ps.setLong(1, config.lockKey());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            leader.set(true);
                            LOG.infof("took the leadership lock %d: this controller is active", config.lockKey());
                        }
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (leader.getAndSet(false)) {
                LOG.warnf("lost the leadership lock %d: %s", config.lockKey(), e.getMessage());
            }
            release();
        }
    }

    private Connection openLockConnection() throws SQLException {
        var cfg = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        String url = cfg.getValue("quarkus.datasource.jdbc.url", String.class);
        String user = cfg.getOptionalValue("quarkus.datasource.username", String.class).orElse("");
        String password = cfg.getOptionalValue("quarkus.datasource.password", String.class).orElse("");
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        // Keepalives notice a dead server; the lock dies with this session, never with a pool's idle reaping.
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "rollout-controller-leadership");
        return DriverManager.getConnection(url, props);
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
