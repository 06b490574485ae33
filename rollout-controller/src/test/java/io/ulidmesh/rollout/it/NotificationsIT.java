package io.ulidmesh.rollout.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.rollout.domain.NotificationBodies;
import io.ulidmesh.rollout.testing.RolloutEvents;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Notifications with a real local HTTP receiver: while it is down the controller retries; the
 * controller is killed with kill -9 after the events committed and before any was sent; once the
 * receiver is up and the controller restarted, every event arrives, each duplicate with the same
 * id, every signature verifies, and each body holds the state as of its event.
 */
class NotificationsIT {
    static final String SECRET = System.getenv("ULIDMESH_IT_WEBHOOK_SECRET");
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<RolloutEventType> NOTIFIED = Set.of(RolloutEventType.EVENT_STARTED, RolloutEventType.EVENT_PHASE_COMPLETED,
            RolloutEventType.EVENT_SIGNAL_BREACHED, RolloutEventType.EVENT_PHASE_ROLLED_BACK, RolloutEventType.EVENT_PAUSED,
            RolloutEventType.EVENT_RESUMED, RolloutEventType.EVENT_COMPLETED, RolloutEventType.EVENT_ABORTED,
            RolloutEventType.EVENT_FAILED);

    @Test
    void everyEventIsDeliveredAfterTheReceiverIsDownAndTheControllerIsKilledBetweenCommitAndSend() throws Exception {
        assertThat(SECRET).as("failsafe sets ULIDMESH_IT_WEBHOOK_SECRET").isNotBlank();
        String db = TestPostgres.createDatabase("rollout_it_notify");
        int receiverPort = ServiceProcess.freePort();
        String base = "http://127.0.0.1:" + receiverPort;
        Map<String, String> config = new LinkedHashMap<>();
        config.put("ulidmesh.rollout.flag-service", "127.0.0.1:9");
        config.put("ulidmesh.rollout.migration-worker", "127.0.0.1:9");
        config.put("ulidmesh.rollout.allowed-webhook-urls", base + "/slack");
        config.put("ulidmesh.rollout.notifications.default-webhooks", base + "/hook");
        config.put("ulidmesh.rollout.notifications.default-secret-env", "ULIDMESH_IT_WEBHOOK_SECRET");
        config.put("ulidmesh.rollout.notifications.first-retry", "200ms");
        config.put("ulidmesh.rollout.notifications.max-retry", "1s");
        ServiceProcess controller = ServiceProcess.start("rollout-controller", db, config);
        ManagedChannel channel = TestChannels.to(controller.port());
        String id;
        List<RolloutEvent> log;
        try {
            var client = RolloutServiceGrpc.newBlockingStub(TestChannels.as(channel, "it-operator"));
            Rollout r = client.createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                    name: notified
                    signals:
                      - { name: notified_errors, source: push }
                    rollback:
                      - { signal: notified_errors, above: 5 }
                    notifications:
                      - { webhook: "%s/slack", format: slack, events: [breach, rolled-back] }
                    phases:
                      - { name: one, bake: 0 }
                      - { name: two, bake: 1h }
                    """.formatted(base)).build());
            id = r.getId();
            awaitWithin(30_000, () -> client.getRollout(GetRolloutRequest.newBuilder().setId(r.getId()).build())
                    .getCurrentPhase() == 1);
            client.pauseRollout(RolloutActionRequest.newBuilder().setId(id).setReason("look").build());
            client.resumeRollout(RolloutActionRequest.newBuilder().setId(id).setReason("go on").build());
            client.reportSignal(ReportSignalRequest.newBuilder().setName("notified_errors").setValue(9.5).build());
            assertThat(client.getRollout(GetRolloutRequest.newBuilder().setId(id).build()).getState())
                    .isEqualTo(RolloutState.ROLLED_BACK);
            log = RolloutEvents.upTo(client, id, RolloutEventType.EVENT_PHASE_ROLLED_BACK, 1);
            TimeUnit.SECONDS.sleep(2); // the receiver is down: attempts fail and are retried
        } finally {
            channel.shutdownNow();
            controller.killHard();
        }
        List<String> expected = log.stream().filter(e -> NOTIFIED.contains(e.getType()))
                .map(e -> id + "-" + e.getSequence()).toList();
        assertThat(expected).hasSize(6); // started, phase-completed, paused, resumed, breach, rolled-back

        try (WebhookReceiver receiver = new WebhookReceiver(receiverPort)) {
            ServiceProcess restarted = ServiceProcess.start("rollout-controller", db, config);
            try {
                awaitWithin(30_000, () -> receivedIds(receiver, "/hook").containsAll(expected)
                        && receivedIds(receiver, "/slack").size() >= 2);
            } finally {
                restarted.close();
            }
            // none lost; duplicates (if any) carry the same id and body; every signature verifies
            assertThat(receivedIds(receiver, "/hook")).containsExactlyInAnyOrderElementsOf(expected);
            Map<String, List<WebhookReceiver.Received>> byId = receiver.received.stream().filter(x -> x.path().equals("/hook"))
                    .collect(Collectors.groupingBy(WebhookReceiver.Received::eventId));
            byId.values().forEach(copies -> assertThat(copies).extracting(WebhookReceiver.Received::body).containsOnly(copies.get(0).body()));
            for (WebhookReceiver.Received x : receiver.received) {
                assertThat(x.idempotencyKey()).isEqualTo(x.eventId());
                if (x.path().equals("/hook")) {
                    assertThat(x.signature()).isEqualTo(NotificationBodies.signature(x.body(), SECRET));
                } else {
                    assertThat(x.signature()).isNull();
                }
            }
            // the state as of each event, not as of the send (by then the rollout was ROLLED_BACK)
            JsonNode started = body(byId, id + "-" + sequenceOf(log, RolloutEventType.EVENT_STARTED));
            assertThat(started.get("event").asText()).isEqualTo("started");
            assertThat(started.get("state").asText()).isEqualTo("RUNNING");
            JsonNode paused = body(byId, id + "-" + sequenceOf(log, RolloutEventType.EVENT_PAUSED));
            assertThat(paused.get("state").asText()).isEqualTo("PAUSED");
            assertThat(paused.get("current_phase_name").asText()).isEqualTo("two");
            // the plan's Slack webhook got only its two events, readable
            List<String> slack = receiver.received.stream().filter(x -> x.path().equals("/slack"))
                    .map(x -> readText(x.body())).distinct().toList();
            assertThat(slack).anySatisfy(t -> assertThat(t).contains(":warning:").contains("notified_errors = 9.5")
                    .contains("breaches rule 'notified_errors above 5'"));
            assertThat(slack).anySatisfy(t -> assertThat(t).contains("rolled back").contains("*Why:*")
                    .contains("notified_errors = 9.5").contains("*State:* ROLLED_BACK at phase one"));
        } finally {
            TestPostgres.dropDatabase(db);
        }
    }

    static long sequenceOf(List<RolloutEvent> log, RolloutEventType type) {
        return log.stream().filter(e -> e.getType() == type).findFirst().orElseThrow().getSequence();
    }

    static JsonNode body(Map<String, List<WebhookReceiver.Received>> byId, String eventId) throws Exception {
        return JSON.readTree(byId.get(eventId).get(0).body());
    }

    static String readText(String slackBody) {
        try {
            return JSON.readTree(slackBody).get("text").asText();
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + slackBody, e);
        }
    }

    static Set<String> receivedIds(WebhookReceiver r, String path) {
        return r.received.stream().filter(x -> x.path().equals(path)).map(WebhookReceiver.Received::eventId).collect(Collectors.toSet());
    }

    static void awaitWithin(long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + millis + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
