package io.ulidmesh.flags.store;

import io.ulidmesh.flags.domain.Flags;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Brings changes made through any replica to this one: LISTENs on a dedicated connection and, at
 * every notification, has {@link Flags#catchUp} read the history after the last revision it
 * published, so lost or coalesced notifications cost nothing. It also reads at least every
 * {@code pollMillis}, and after a lost connection it reconnects, LISTENs again and catches up.
 */
public final class ChangeListener implements Runnable {
    private static final Logger LOG = Logger.getLogger(ChangeListener.class);

    /** Opens a connection of its own, outside the pool: a LISTENing connection is never handed back. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final Flags flags;
    private final int pollMillis;
    private volatile boolean running = true;
    private volatile Connection connection;
    private Thread thread;

    public ChangeListener(Connector connector, Flags flags, int pollMillis) {
        this.connector = connector;
        this.flags = flags;
        this.pollMillis = pollMillis;
    }

    public void start() {
        thread = new Thread(this, "flag-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        running = false;
        closeQuietly(connection);
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try (Connection c = connector.open()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + JdbcFlagRepository.CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                flags.catchUp();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(pollMillis);
                    if (notifications == null || notifications.length == 0 || newer(notifications)) {
                        flags.catchUp();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warnf("flag change listener lost its connection (%s); reconnecting", e.getMessage());
                    pause();
                }
            }
        }
    }

    /** Notifications of revisions this replica already published (its own catch-up saw them) need no read. */
    private boolean newer(PGNotification[] notifications) {
        long published = flags.published();
        for (PGNotification n : notifications) {
            try {
                if (Long.parseLong(n.getParameter()) > published) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return true;
            }
        }
        return false;
    }

    private void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing is best effort at shutdown
            }
        }
    }
}
