package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.port.Leadership;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The thread that runs the {@link Notifier} on the active controller: at once when an event is
 * committed ({@link #wake}), and at least every {@code idle} for retries that come due.
 */
public final class NotificationSender implements Runnable {
    private static final Logger LOG = Logger.getLogger(NotificationSender.class);
    private final Notifier notifier;
    private final Leadership leadership;
    private final Duration idle;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean running = true;
    private Thread thread;

    public NotificationSender(Notifier notifier, Leadership leadership, Duration idle) {
        this.notifier = notifier;
        this.leadership = leadership;
        this.idle = idle;
    }

    public void start() {
        thread = new Thread(this, "rollout-notifications");
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** An event was committed: look at the outbox now. */
    public void wake() {
        wakeups.release();
    }

    @Override
    public void run() {
        while (running) {
            int sent = 0;
            if (leadership.isLeader()) {
                try {
                    sent = notifier.round();
                } catch (RuntimeException e) {
                    LOG.warnf("notification round failed: %s", e.getMessage());
                }
            }
            try {
                if (sent == 0 && wakeups.tryAcquire(idle.toMillis(), TimeUnit.MILLISECONDS)) {
                    wakeups.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
