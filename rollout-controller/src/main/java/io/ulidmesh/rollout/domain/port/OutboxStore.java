package io.ulidmesh.rollout.domain.port;

import io.ulidmesh.rollout.domain.NotificationEvent;
import io.ulidmesh.rollout.domain.plan.NotificationSpec;
import java.time.Instant;
import java.util.List;

/** The notification outbox: events written with their state change, and one delivery per destination. */
public interface OutboxStore {
    /** An event not yet given its deliveries. */
    record Pending(long outboxId, String rolloutId, String event) {
    }

    /** One delivery of one event to one destination, with its attempts so far. */
    record Delivery(long outboxId, int destination, NotificationSpec to, boolean fromPlan, int attempts, NotificationEvent event) {
    }

    List<Pending> unexpanded(int limit);

    /**
     * Creates one delivery per destination (defaults first, then the plan's; {@code planFrom} is the
     * index of the plan's first) and marks the event expanded, in one transaction.
     */
    void expand(long outboxId, List<NotificationSpec> destinations, int planFrom);

    /** Deliveries not delivered whose next attempt is due at {@code now}, oldest first. */
    List<Delivery> due(Instant now, int limit);

    void delivered(Delivery d);

    /** Records a failed attempt and when to try again. */
    void retryLater(Delivery d, Instant next, String error);
}
