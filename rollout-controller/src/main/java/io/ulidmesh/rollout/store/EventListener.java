package io.ulidmesh.rollout.store;

import io.ulidmesh.rollout.domain.EventWakeups;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Brings events committed by any replica (this one included) to this replica's watchers: LISTENs on
 * a connection of its own and rings the rollout's bell at each notification. After a lost
 * connection it reconnects, LISTENs again and rings every bell, since notifications sent while it
 * was away are gone; watchers then read after their last event, so nothing is missed.
 */
public final class EventListener implements Runnable {
    private static final Logger LOG = Logger.getLogger(EventListener.class);
    /** How long one wait for notifications blocks, so that a stop is noticed. */
    private static final int WAIT_MILLIS = 1000;

    private final String jdbcUrl;
    private final Properties properties;
    private final EventWakeups wakeups;
    private volatile boolean running = true;
    private volatile Connection connection;
    private Thread thread;

    public EventListener(String jdbcUrl, String username, String password, EventWakeups wakeups) {
        this.jdbcUrl = jdbcUrl;
        this.wakeups = wakeups;
        this.properties = OwnConnections.properties(username, password, "rollout-controller-events");
    }

    public void start() {
        thread = new Thread(this, "rollout-event-listener");
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing is best effort at shutdown
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, properties)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + RolloutEventRows.CHANNEL);
                }
                wakeups.ringAll();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            wakeups.ring(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warnf("rollout event listener lost its connection (%s); reconnecting", e.getMessage());
                    pause();
                }
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
