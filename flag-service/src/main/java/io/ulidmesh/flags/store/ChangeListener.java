package io.ulidmesh.flags.store;

import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.domain.FlagChange;
import io.ulidmesh.flags.domain.FlagRepository;
import io.ulidmesh.flags.domain.FlagTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Brings changes made through any replica to this one: LISTENs on a dedicated connection and, at
 * every notification, reads the history after the last revision it published, so lost or
 * coalesced notifications cost nothing. It also reads at least every {@code pollMillis}, and after
 * a lost connection it reconnects, LISTENs again and catches up.
 */
public final class ChangeListener implements Runnable {
    private static final Logger LOG = Logger.getLogger(ChangeListener.class);
    private static final int PAGE = 1000;

    private final String url;
    private final Properties credentials;
    private final FlagRepository repository;
    private final FlagTable table;
    private final ChangeFeed feed;
    private final int pollMillis;
    private volatile boolean running = true;
    private volatile Connection connection;
    private Thread thread;

    public ChangeListener(String url, String user, String password, FlagRepository repository, FlagTable table,
                          ChangeFeed feed, int pollMillis) {
        this.url = url;
        this.credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        credentials.setProperty("ApplicationName", "flag-service change listener");
        this.repository = repository;
        this.table = table;
        this.feed = feed;
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
            try (Connection c = DriverManager.getConnection(url, credentials)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + JdbcFlagRepository.CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                catchUp();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(pollMillis);
                    if (notifications == null || notifications.length == 0 || newer(notifications)) {
                        catchUp();
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
        long published = feed.published();
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

    private void catchUp() {
        while (true) {
            List<FlagChange> changes = repository.changesAfter(feed.published(), PAGE);
            for (FlagChange change : changes) {
                table.apply(change);
                feed.publish(change);
            }
            if (changes.size() < PAGE) {
                return;
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
