package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.rollout.domain.plan.NotificationSpec;
import io.ulidmesh.rollout.domain.plan.NotificationSpec.Format;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import io.ulidmesh.rollout.domain.plan.SignalAllowlist;
import io.ulidmesh.rollout.domain.port.OutboxStore;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Delivery logic over an in-memory outbox: destinations, signature, backoff, refusal of webhooks no longer allowed. */
class NotifierTest {
    static final SignalAllowlist ALLOWED = new SignalAllowlist(Controller.PROMETHEUS, List.of(Controller.PROMETHEUS), List.of(),
            List.of("https://hooks.example/ok"));
    /** Plans are parsed against the allowlist with the webhooks. */
    final Controller c = new Controller(new Controller(), ALLOWED);
    final MemoryOutbox outbox = new MemoryOutbox();
    final List<Map<String, String>> posted = new ArrayList<>();
    final List<String> bodies = new ArrayList<>();
    PeerFailure receiverDown;

    Notifier notifier(SignalAllowlist allowlist, List<NotificationSpec> defaults) {
        return new Notifier(outbox, c.store, c.plans, defaults, allowlist, (url, headers, body) -> {
            if (receiverDown != null) {
                throw receiverDown;
            }
            Map<String, String> h = new HashMap<>(headers);
            h.put("url", url);
            posted.add(h);
            bodies.add(body);
        }, name -> name.equals("HOOK_SECRET") ? "s3cret" : null, c.metrics, Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    NotificationEvent event(String rolloutId, long seq, String event) {
        return new NotificationEvent(NotificationEvent.id(rolloutId, seq), event, "X", rolloutId, "r", seq, "2026-01-01T00:00:00Z",
                "one", "what happened", "alice", "RUNNING", 0, "one", "", List.of());
    }

    @Test
    void eachEventGoesToTheDefaultsAndThePlansWebhooksThatWantItSignedWithItsIdAsKey() {
        String id = c.actions.create("""
                name: n
                notifications:
                  - { webhook: "https://hooks.example/ok/slack", format: slack, events: [breach] }
                phases: [ { name: one } ]
                """, false, "alice").id();
        outbox.add(id, event(id, 2, "started"));
        outbox.add(id, event(id, 3, "breach"));
        Notifier n = notifier(ALLOWED, List.of(new NotificationSpec("https://ops.example/all", Set.copyOf(NotificationSpec.EVENTS),
                Format.JSON, "HOOK_SECRET")));

        assertThat(n.round()).isEqualTo(3);

        assertThat(posted).extracting(h -> h.get("url") + " " + h.get("Idempotency-Key")).containsExactlyInAnyOrder(
                "https://ops.example/all " + id + "-2", "https://ops.example/all " + id + "-3", "https://hooks.example/ok/slack " + id + "-3");
        for (int i = 0; i < posted.size(); i++) {
            Map<String, String> h = posted.get(i);
            assertThat(h.get("X-Ulidmesh-Event-Id")).isEqualTo(h.get("Idempotency-Key"));
            if (h.get("url").startsWith("https://ops")) {
                assertThat(h.get("X-Ulidmesh-Signature")).isEqualTo(NotificationBodies.signature(bodies.get(i), "s3cret"))
                        .startsWith("sha256=");
            } else {
                assertThat(h).doesNotContainKey("X-Ulidmesh-Signature");
                assertThat(bodies.get(i)).startsWith("{\"text\":");
            }
        }
        assertThat(outbox.deliveries).allMatch(d -> d.delivered);
        assertThat(n.round()).isZero();
    }

    @Test
    void aFailedDeliveryIsRetriedWithExponentialBackoffUntilItIsDelivered() {
        String id = c.actions.create("name: n\nphases: [ { name: one } ]\n", false, "alice").id();
        outbox.add(id, event(id, 2, "started"));
        Notifier n = notifier(ALLOWED, List.of(new NotificationSpec("https://ops.example/all", Set.of("started"), Format.JSON, "")));
        receiverDown = new PeerFailure("webhook https://ops.example/all could not be reached", true, null);
        n.round();
        MemoryOutbox.Row row = outbox.deliveries.get(0);
        assertThat(row.attempts).isEqualTo(1);
        assertThat(row.error).contains("could not be reached");
        assertThat(n.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(n.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(n.backoff(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(n.backoff(9)).isEqualTo(Duration.ofSeconds(1));
        assertThat(n.round()).isZero(); // not due yet
        receiverDown = null;
        row.next = Instant.now();
        assertThat(n.round()).isEqualTo(1);
        assertThat(row.delivered).isTrue();
        assertThat(posted).hasSize(1);
    }

    @Test
    void aPlanWebhookNoLongerAllowedIsNeverCalledAndPlansNamingOneOutsideTheListAreRefused() {
        String id = c.actions.create("""
                name: n
                notifications: [ { webhook: "https://hooks.example/ok/x" } ]
                phases: [ { name: one } ]
                """, false, "alice").id();
        outbox.add(id, event(id, 2, "started"));
        Notifier n = notifier(Controller.ALLOWLIST, List.of()); // the allowlist no longer has the webhook
        n.round();
        assertThat(posted).isEmpty();
        assertThat(outbox.deliveries.get(0).error).contains("not under an allowed webhook URL");
        assertThatThrownBy(() -> PlanParser.parse("name: n\nnotifications: [ { webhook: \"http://169.254.169.254/x\" } ]\n"
                + "phases: [ { name: one } ]\n", ALLOWED)).isInstanceOf(DomainException.class)
                .hasMessageContaining("line 2: notifications[0].webhook: 'http://169.254.169.254/x' is not under an allowed webhook URL");
        assertThatThrownBy(() -> PlanParser.parse("name: n\nnotifications: [ { webhook: \"https://hooks.example/ok\", "
                + "events: [started, exploded], format: xml, secret_env: 'a b' } ]\nphases: [ { name: one } ]\n", ALLOWED))
                .hasMessageContaining("'exploded' is not one of").hasMessageContaining("'xml' is not one of json, slack")
                .hasMessageContaining("secret_env: 'a b'");
    }

    @Test
    void theSlackMessageSaysWhatHappenedWhichRuleBrokeAndWhatWasRestored() {
        NotificationEvent e = new NotificationEvent("R-9", "rolled-back", "PHASE_ROLLED_BACK", "R", "ulid-ecosystem", 9,
                "2026-01-01T00:00:00Z", "coordinator-canary", "phase coordinator-canary rolled back", "rollout-controller",
                "ROLLED_BACK", 0, "foundation", "signal error_rate = 7.2 breaches rule 'error_rate above 5' (1 in a row)",
                List.of(new NotificationEvent.Restored("flag", "use_v2_coordinator", "off"),
                        new NotificationEvent.Restored("migration", "01MIG", "")));
        String text = NotificationBodies.slack(e);
        assertThat(text).contains("*Rollout ulid-ecosystem* (`R`) phase *coordinator-canary* rolled back")
                .contains("*Why:* signal error_rate = 7.2 breaches rule 'error_rate above 5'")
                .contains("*Restored:* flag `use_v2_coordinator` back to off, migration `01MIG` rolled back")
                .contains("*State:* ROLLED_BACK at phase foundation");
    }

    /** The outbox in memory, as JdbcOutboxStore keeps it. */
    static final class MemoryOutbox implements OutboxStore {
        static final class Row {
            final long outboxId;
            final int destination;
            final NotificationSpec to;
            final boolean fromPlan;
            int attempts;
            Instant next = Instant.EPOCH;
            boolean delivered;
            String error = "";

            Row(long outboxId, int destination, NotificationSpec to, boolean fromPlan) {
                this.outboxId = outboxId;
                this.destination = destination;
                this.to = to;
                this.fromPlan = fromPlan;
            }
        }

        final List<Pending> pending = new ArrayList<>();
        final Map<Long, NotificationEvent> events = new HashMap<>();
        final List<Row> deliveries = new ArrayList<>();

        void add(String rolloutId, NotificationEvent e) {
            long id = events.size() + 1;
            events.put(id, e);
            pending.add(new Pending(id, rolloutId, e.event()));
        }

        @Override
        public List<Pending> unexpanded(int limit) {
            return List.copyOf(pending);
        }

        @Override
        public void expand(long outboxId, List<NotificationSpec> destinations, int planFrom) {
            for (int i = 0; i < destinations.size(); i++) {
                deliveries.add(new Row(outboxId, i, destinations.get(i), i >= planFrom));
            }
            pending.removeIf(p -> p.outboxId() == outboxId);
        }

        @Override
        public List<Delivery> due(Instant now, int limit) {
            return deliveries.stream().filter(r -> !r.delivered && !r.next.isAfter(now))
                    .map(r -> new Delivery(r.outboxId, r.destination, r.to, r.fromPlan, r.attempts, events.get(r.outboxId))).toList();
        }

        private Row row(Delivery d) {
            return deliveries.stream().filter(r -> r.outboxId == d.outboxId() && r.destination == d.destination()).findFirst()
                    .orElseThrow();
        }

        @Override
        public void delivered(Delivery d) {
            Row r = row(d);
            r.attempts++;
            r.delivered = true;
        }

        @Override
        public void retryLater(Delivery d, Instant next, String error) {
            Row r = row(d);
            r.attempts++;
            r.next = next;
            r.error = error;
        }
    }
}
