package io.ulidmesh.common.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTENs on one PostgreSQL channel on a connection of its own (a LISTENing connection is never
 * handed back to a pool), on a daemon thread. After a lost connection it reconnects and LISTENs
 * again; since notifications sent meanwhile are gone, {@link Handler#listening} runs each time
 * LISTEN is in place, so the handler can read what it may have missed.
 */
public final class PgListener implements Runnable {
    private static final Logger LOG = Logger.getLogger(PgListener.class);

    /** Opens the listener's own connection. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** What to do with the channel's notifications; called on the listener's thread. */
    public interface Handler {
        /** LISTEN is in place: at start, and again after every reconnect. */
        void listening();

        /** The payloads of the notifications that arrived together; empty when {@code waitMillis} passed without any. */
        void notified(List<String> payloads);
    }

    private final String name;
    private final String channel;
    private final Connector connector;
    private final int waitMillis;
    private final Handler handler;
    private volatile boolean running = true;
    private volatile Connection connection;
    private Thread thread;

    /** {@code channel} must be a plain identifier (it is written into the LISTEN statement). */
    public PgListener(String name, String channel, Connector connector, int waitMillis, Handler handler) {
        if (!channel.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain channel name: " + channel);
        }
        this.name = name;
        this.channel = channel;
        this.connector = connector;
        this.waitMillis = waitMillis;
        this.handler = handler;
    }

    public void start() {
        thread = new Thread(this, name);
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
            try (Connection c = connector.open()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                handler.listening();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(waitMillis);
                    List<String> payloads = new ArrayList<>(notifications == null ? 0 : notifications.length);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            payloads.add(n.getParameter());
                        }
                    }
                    handler.notified(payloads);
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warnf("%s lost its connection (%s); reconnecting", name, e.getMessage());
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
