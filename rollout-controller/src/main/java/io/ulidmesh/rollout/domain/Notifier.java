package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.plan.NotificationSpec;
import io.ulidmesh.rollout.domain.plan.SignalAllowlist;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import io.ulidmesh.rollout.domain.port.OutboxStore;
import io.ulidmesh.rollout.domain.port.OutboxStore.Delivery;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import io.ulidmesh.rollout.domain.port.WebhookPort;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Delivers the outbox at least once: gives each new event one delivery per destination that wants
 * it (the configured defaults, then the plan's), then posts what is due, retrying failures with
 * exponential backoff. A delivery is marked delivered only after a 2xx, so a crash in between sends
 * it again, with the same event id for the receiver to drop the duplicate.
 */
public final class Notifier {
    private static final Logger LOG = Logger.getLogger(Notifier.class);
    private static final int BATCH = 50;
    /** When a delivery that can never succeed (its webhook no longer allowed) would be tried again: never. */
    private static final Instant NEVER = Instant.parse("9999-01-01T00:00:00Z");

    private final OutboxStore outbox;
    private final RolloutStore store;
    private final Plans plans;
    private final List<NotificationSpec> defaults;
    private final SignalAllowlist allowlist;
    private final WebhookPort webhooks;
    private final UnaryOperator<String> env;
    private final MetricsPort metrics;
    private final Duration firstRetry;
    private final Duration maxRetry;

    public Notifier(OutboxStore outbox, RolloutStore store, Plans plans, List<NotificationSpec> defaults, SignalAllowlist allowlist,
                    WebhookPort webhooks, UnaryOperator<String> env, MetricsPort metrics, Duration firstRetry, Duration maxRetry) {
        this.outbox = outbox;
        this.store = store;
        this.plans = plans;
        this.defaults = List.copyOf(defaults);
        this.allowlist = allowlist;
        this.webhooks = webhooks;
        this.env = env;
        this.metrics = metrics;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    /** One round: expands new events, then sends every due delivery; the number of deliveries attempted. */
    public int round() {
        for (OutboxStore.Pending p : outbox.unexpanded(BATCH)) {
            List<NotificationSpec> to = new ArrayList<>();
            defaults.stream().filter(n -> n.wants(p.event())).forEach(to::add);
            int planFrom = to.size();
            plans.of(store.get(p.rolloutId())).notifications().stream().filter(n -> n.wants(p.event())).forEach(to::add);
            outbox.expand(p.outboxId(), to, planFrom);
        }
        List<Delivery> due = outbox.due(Instant.now(), BATCH);
        due.forEach(this::send);
        return due.size();
    }

    private void send(Delivery d) {
        NotificationSpec to = d.to();
        String id = d.event().eventId();
        if (d.fromPlan()) {
            String refused = allowlist.webhookProblem(to.webhook());
            if (refused != null) {
                // the allowlist changed since the plan was accepted: nothing is sent there, and no retry
                outbox.retryLater(d, NEVER, "not sent: " + refused);
                metrics.notification("refused");
                LOG.warnf("notification %s to %s not sent: %s", id, to.webhook(), refused);
                return;
            }
        }
        String body = NotificationBodies.render(d.event(), to.format());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", id);
        headers.put("X-Ulidmesh-Event-Id", id);
        headers.put("X-Ulidmesh-Event", d.event().event());
        try {
            if (!to.secretEnv().isEmpty()) {
                String secret = env.apply(to.secretEnv());
                if (secret == null || secret.isEmpty()) {
                    throw new PeerFailure("secret_env " + to.secretEnv() + " is not set in the controller's environment", true, null);
                }
                headers.put("X-Ulidmesh-Signature", NotificationBodies.signature(body, secret));
            }
            webhooks.post(to.webhook(), headers, body);
            outbox.delivered(d);
            metrics.notification("delivered");
            LOG.infof("notification %s (%s) delivered to %s after %d attempt(s)", id, d.event().event(), to.webhook(), d.attempts() + 1);
        } catch (PeerFailure e) {
            Instant next = Instant.now().plus(backoff(d.attempts() + 1));
            outbox.retryLater(d, next, e.getMessage());
            metrics.notification("retried");
            LOG.warnf("notification %s to %s failed (attempt %d), next at %s: %s", id, to.webhook(), d.attempts() + 1, next,
                    e.getMessage());
        }
    }

    /** {@code firstRetry} doubled after each failed attempt, at most {@code maxRetry}. */
    Duration backoff(int failedAttempts) {
        Duration d = firstRetry;
        for (int i = 1; i < failedAttempts && d.compareTo(maxRetry) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxRetry) > 0 ? maxRetry : d;
    }
}
