package io.ulidmesh.rollout.store;

import io.ulidmesh.common.jdbc.PgListener;
import io.ulidmesh.rollout.domain.EventWakeups;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;

/**
 * Brings events committed by any replica (this one included) to this replica's watchers: LISTENs
 * (common's {@link PgListener}) and rings the rollout's bell at each notification. After a lost
 * connection it rings every bell once it LISTENs again, since notifications sent while it was away
 * are gone; watchers then read after their last event, so nothing is missed.
 */
public final class EventListener implements PgListener.Handler {
    /** How long one wait for notifications blocks, so that a stop is noticed. */
    private static final int WAIT_MILLIS = 1000;

    private final EventWakeups wakeups;
    private final PgListener listener;

    public EventListener(String jdbcUrl, String username, String password, EventWakeups wakeups) {
        this.wakeups = wakeups;
        Properties properties = OwnConnections.properties(username, password, "rollout-controller-events");
        this.listener = new PgListener("rollout-event-listener", RolloutEventRows.CHANNEL,
                () -> DriverManager.getConnection(jdbcUrl, properties), WAIT_MILLIS, this);
    }

    public void start() {
        listener.start();
    }

    public void stop() {
        listener.stop();
    }

    @Override
    public void listening() {
        wakeups.ringAll();
    }

    @Override
    public void notified(List<String> payloads) {
        payloads.forEach(wakeups::ring);
    }
}
