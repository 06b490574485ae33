package io.ulidmesh.rollout.config;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.rollout.domain.EngineThread;
import io.ulidmesh.rollout.domain.EventFeed;
import io.ulidmesh.rollout.domain.NotificationSender;
import io.ulidmesh.rollout.domain.RolloutDriver;
import io.ulidmesh.rollout.store.AdvisoryLockLeadership;
import io.ulidmesh.rollout.store.EventListener;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Starts the leadership checks, the engine's tick and the event listener with the application, and stops them with it. */
@Singleton
public class EngineLifecycle {
    private final AdvisoryLockLeadership leadership;
    private final EngineThread engine;
    private final RolloutDriver driver;
    private final RolloutConfig config;
    private final EventListener events;
    private final EventFeed feed;
    private final NotificationSender notifications;
    private final ScheduledExecutorService leadershipTimer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rollout-leadership"));

    public EngineLifecycle(AdvisoryLockLeadership leadership, EngineThread engine, RolloutDriver driver, RolloutConfig config,
                           EventListener events, EventFeed feed, NotificationSender notifications) {
        this.leadership = leadership;
        this.engine = engine;
        this.driver = driver;
        this.config = config;
        this.events = events;
        this.feed = feed;
        this.notifications = notifications;
    }

    void start(@Observes StartupEvent ignored) {
        leadershipTimer.scheduleWithFixedDelay(leadership::check, 0, config.leaderRetry().toMillis(), TimeUnit.MILLISECONDS);
        engine.start(config.tick(), driver::tick);
        events.start();
        notifications.start();
    }

    void stop(@Observes ShutdownEvent ignored) {
        engine.stop();
        events.stop();
        feed.stop();
        notifications.stop();
        leadershipTimer.shutdownNow();
        leadership.close();
    }
}
