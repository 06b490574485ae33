package io.ulidmesh.rollout.api;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.rollout.v1.CheckReadinessRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsResponse;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.ReportSignalResponse;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import io.ulidmesh.rollout.testing.RolloutEvents;
import io.ulidmesh.testsupport.TestChannels;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The RPCs over real gRPC on a real database, with plans whose phases only bake and wait (no peer needed). */
@QuarkusTest
class RolloutServiceTest {
    static ManagedChannel channel;
    static RolloutServiceGrpc.RolloutServiceBlockingStub client;

    @BeforeAll
    static void connect() {
        channel = TestChannels.toQuarkusTestApp();
        client = RolloutServiceGrpc.newBlockingStub(TestChannels.as(channel, "alice"));
    }

    @AfterAll
    static void close() {
        channel.shutdownNow();
    }

    static String plan(String name, String rules, String phases) {
        return "name: " + name + "\nsignals:\n  - { name: " + name + "_errors, source: push }\n"
                + "  - { name: " + name + "_delivery, source: push }\nrollback:\n" + rules + "phases:\n" + phases;
    }

    static final String RULES = "  - { signal: %1$s_errors, above: 5 }\n  - { signal: %1$s_delivery, below: 95, for: 2 }\n";

    static Rollout create(String name, String phases, boolean start) {
        return client.createRollout(CreateRolloutRequest.newBuilder().setPlanYaml(plan(name, RULES.formatted(name), phases))
                .setStart(start).build());
    }

    static RolloutActionRequest action(String id, String reason) {
        return RolloutActionRequest.newBuilder().setId(id).setReason(reason).build();
    }

    static Rollout await(String id, Predicate<Rollout> condition) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        Rollout r;
        do {
            r = client.getRollout(GetRolloutRequest.newBuilder().setId(id).build());
            if (condition.test(r)) {
                return r;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("rollout never reached the condition; last: " + r);
    }

    static List<RolloutEvent> events(String id, RolloutEventType last, int count) {
        return RolloutEvents.upTo(client, id, last, count);
    }

    @Test
    void bakesPassesTheManualGateAndCompletes() {
        Rollout r = create("lifecycle", """
                  - { name: a, bake: 300ms }
                  - { name: b, gate: manual }
                  - { name: c }
                """, true);
        assertThat(r.getState()).isEqualTo(RolloutState.RUNNING);
        assertThat(r.getPhasesCount()).isEqualTo(3);
        Rollout gated = await(r.getId(), x -> x.getCurrentPhase() == 1 && x.getPhases(1).getState() == PhaseState.PHASE_BAKING);
        assertThat(gated.getPhases(0).getState()).isEqualTo(PhaseState.PHASE_COMPLETED);
        assertThat(gated.getPhases(1).getManualGate()).isTrue();
        Rollout promoted = client.promoteRollout(action(r.getId(), "canary looks good"));
        Rollout done = await(promoted.getId(), x -> x.getState() == RolloutState.COMPLETED);
        assertThat(done.getPhasesList()).extracting(p -> p.getState()).containsOnly(PhaseState.PHASE_COMPLETED);
        List<RolloutEvent> events = events(r.getId(), RolloutEventType.EVENT_COMPLETED, 1);
        assertThat(events).extracting(RolloutEvent::getType).containsSubsequence(RolloutEventType.EVENT_CREATED,
                RolloutEventType.EVENT_STARTED, RolloutEventType.EVENT_PHASE_STARTED, RolloutEventType.EVENT_PHASE_BAKING,
                RolloutEventType.EVENT_PHASE_COMPLETED, RolloutEventType.EVENT_PHASE_STARTED, RolloutEventType.EVENT_PHASE_BAKING,
                RolloutEventType.EVENT_PROMOTED, RolloutEventType.EVENT_PHASE_COMPLETED, RolloutEventType.EVENT_PHASE_STARTED,
                RolloutEventType.EVENT_PHASE_COMPLETED, RolloutEventType.EVENT_COMPLETED);
        RolloutEvent promotedEvent = events.stream().filter(e -> e.getType() == RolloutEventType.EVENT_PROMOTED).findFirst().orElseThrow();
        assertThat(promotedEvent.getActor()).isEqualTo("alice");
        assertThat(promotedEvent.getMessage()).contains("canary looks good");
        assertThat(events).extracting(RolloutEvent::getSequence).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void pushedBreachRollsThePhaseBackAndResumeRetriesIt() {
        Rollout r = create("pushed", """
                  - { name: first }
                  - { name: second, bake: 1h }
                """, true);
        await(r.getId(), x -> x.getCurrentPhase() == 1 && x.getPhases(1).getState() == PhaseState.PHASE_BAKING);
        ReportSignalResponse ok = client.reportSignal(ReportSignalRequest.newBuilder().setName("pushed_errors").setValue(3).build());
        assertThat(ok.getRolloutsEvaluated()).isEqualTo(1);
        assertThat(ok.getRollbacksTriggeredList()).isEmpty();
        // below 95 twice in a row, but a good value in between resets the count
        client.reportSignal(ReportSignalRequest.newBuilder().setName("pushed_delivery").setValue(90).build());
        client.reportSignal(ReportSignalRequest.newBuilder().setName("pushed_delivery").setValue(99).build());
        assertThat(client.reportSignal(ReportSignalRequest.newBuilder().setName("pushed_delivery").setValue(90).build())
                .getRollbacksTriggeredList()).isEmpty();
        ReportSignalResponse breach = client.reportSignal(ReportSignalRequest.newBuilder().setName("pushed_errors").setValue(7.5)
                .putLabels("rollout_id", r.getId().toLowerCase()).build());
        assertThat(breach.getRollbacksTriggeredList()).containsExactly(r.getId());
        Rollout back = client.getRollout(GetRolloutRequest.newBuilder().setId(r.getId()).build());
        assertThat(back.getState()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isZero();
        assertThat(back.getPhases(1).getState()).isEqualTo(PhaseState.PHASE_ROLLED_BACK);
        assertThat(back.getPhases(0).getState()).isEqualTo(PhaseState.PHASE_COMPLETED);
        assertThat(back.getLastReason()).contains("pushed_errors = 7.5 breaches rule 'pushed_errors above 5'");
        // a rolled-back rollout evaluates no more signals
        assertThat(client.reportSignal(ReportSignalRequest.newBuilder().setName("pushed_errors").setValue(50).build())
                .getRolloutsEvaluated()).isZero();

        Rollout resumed = client.resumeRollout(action(r.getId(), "fixed the error"));
        assertThat(resumed.getState()).isEqualTo(RolloutState.RUNNING);
        assertThat(resumed.getCurrentPhase()).isEqualTo(1);
        await(r.getId(), x -> x.getPhases(1).getState() == PhaseState.PHASE_BAKING);
        assertThat(client.reportSignal(ReportSignalRequest.newBuilder().setName("pushed_delivery").setValue(80).build())
                .getRollbacksTriggeredList()).isEmpty();
        assertThat(client.reportSignal(ReportSignalRequest.newBuilder().setName("pushed_delivery").setValue(80).build())
                .getRollbacksTriggeredList()).containsExactly(r.getId());
        List<RolloutEvent> events = events(r.getId(), RolloutEventType.EVENT_PHASE_ROLLED_BACK, 2);
        assertThat(events).extracting(RolloutEvent::getType).containsSubsequence(RolloutEventType.EVENT_SIGNAL_BREACHED,
                RolloutEventType.EVENT_ROLLBACK_STARTED, RolloutEventType.EVENT_PHASE_ROLLED_BACK, RolloutEventType.EVENT_RESUMED,
                RolloutEventType.EVENT_PHASE_STARTED);
        assertThat(events.stream().filter(e -> e.getType() == RolloutEventType.EVENT_RESUMED).findFirst().orElseThrow().getActor())
                .isEqualTo("alice");
    }

    @Test
    void breachCountsBelongToAPhaseSoTheNextPhaseCountsFromZero() {
        Rollout r = create("phased", """
                  - { name: gated, gate: manual }
                  - { name: next, bake: 1h }
                """, true);
        await(r.getId(), x -> x.getPhases(0).getState() == PhaseState.PHASE_BAKING);
        ReportSignalRequest low = ReportSignalRequest.newBuilder().setName("phased_delivery").setValue(90).build();
        assertThat(client.reportSignal(low).getRollbacksTriggeredList()).isEmpty();
        client.promoteRollout(action(r.getId(), "gate passed"));
        await(r.getId(), x -> x.getCurrentPhase() == 1 && x.getPhases(1).getState() == PhaseState.PHASE_BAKING);
        // one breach in each phase is not two in a row
        assertThat(client.reportSignal(low).getRollbacksTriggeredList()).isEmpty();
        assertThat(client.reportSignal(low).getRollbacksTriggeredList()).containsExactly(r.getId());
        assertThat(events(r.getId(), RolloutEventType.EVENT_PHASE_ROLLED_BACK, 1).stream()
                .filter(e -> e.getType() == RolloutEventType.EVENT_SIGNAL_BREACHED).map(e -> e.getPhase() + ": " + e.getMessage()))
                .containsExactly("gated: signal phased_delivery = 90 breaches rule 'phased_delivery below 95 2 times in a row' (1 in a row)",
                        "next: signal phased_delivery = 90 breaches rule 'phased_delivery below 95 2 times in a row' (1 in a row)",
                        "next: signal phased_delivery = 90 breaches rule 'phased_delivery below 95 2 times in a row' (2 in a row)");
    }

    @Test
    void pauseStopsTheBakeManualRollbackAndAbortRecordActorAndReason() {
        Rollout r = create("operator", """
                  - { name: one }
                  - { name: two, bake: 1h }
                """, false);
        assertThat(r.getState()).isEqualTo(RolloutState.PENDING);
        assertThat(r.getCurrentPhase()).isEqualTo(-1);
        client.startRollout(action(r.getId(), ""));
        await(r.getId(), x -> x.getCurrentPhase() == 1 && x.getPhases(1).getState() == PhaseState.PHASE_BAKING);
        Rollout paused = client.pauseRollout(action(r.getId(), "night freeze"));
        assertThat(paused.getState()).isEqualTo(RolloutState.PAUSED);
        assertThat(paused.getLastReason()).isEqualTo("night freeze");
        assertThat(client.reportSignal(ReportSignalRequest.newBuilder().setName("operator_errors").setValue(99).build())
                .getRolloutsEvaluated()).isZero();
        assertThat(client.resumeRollout(action(r.getId(), "morning")).getState()).isEqualTo(RolloutState.RUNNING);

        Rollout back = client.rollbackRollout(action(r.getId(), "latency doubled"));
        assertThat(back.getState()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isZero();
        assertThat(back.getLastReason()).isEqualTo("manual rollback by alice: latency doubled");

        Rollout aborted = client.abortRollout(action(r.getId(), "giving up"));
        assertThat(aborted.getState()).isEqualTo(RolloutState.ABORTED);
        assertThat(aborted.getCurrentPhase()).isEqualTo(-1);
        assertThat(aborted.getPhasesList()).extracting(p -> p.getState()).containsOnly(PhaseState.PHASE_ROLLED_BACK);
        List<RolloutEvent> events = events(r.getId(), RolloutEventType.EVENT_ABORTED, 1);
        RolloutEvent abort = events.stream().filter(e -> e.getType() == RolloutEventType.EVENT_ROLLBACK_STARTED)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(abort.getActor()).isEqualTo("alice");
        assertThat(abort.getMessage()).contains("aborted by alice: giving up");
        assertThat(events).extracting(RolloutEvent::getType).contains(RolloutEventType.EVENT_PAUSED, RolloutEventType.EVENT_RESUMED,
                RolloutEventType.EVENT_ABORTED);
    }

    @Test
    void answersEachErrorWithItsCode() {
        String missing = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.createRollout(CreateRolloutRequest.newBuilder()
                .setPlanYaml("name: x\nphases:\n  - { name: a, flags: { f: 300% } }\n").build()), "line 3: phases[0].flags.f: '300%'");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.getRollout(GetRolloutRequest.newBuilder().setId("nope").build()), "id:");
        assertStatus(Status.Code.NOT_FOUND, () -> client.getRollout(GetRolloutRequest.newBuilder().setId(missing).build()), missing);
        Rollout r = create("errors", "  - { name: a, bake: 1h }\n", false);
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> client.pauseRollout(action(r.getId(), "x")), "it is PENDING, not RUNNING");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.pauseRollout(action(r.getId(), " ")), "reason is required for PauseRollout");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.rollbackRollout(action(r.getId(), "")), "reason is required");
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> client.promoteRollout(action(r.getId(), "x")), "it is PENDING");
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> client.resumeRollout(action(r.getId(), "x")), "not PAUSED or ROLLED_BACK");
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> client.rollbackRollout(action(r.getId(), "x")), "it is PENDING");
        client.startRollout(action(r.getId(), "go"));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> client.startRollout(action(r.getId(), "again")), "it is RUNNING, not PENDING");
        assertThat(client.abortRollout(action(r.getId(), "stop")).getState()).isEqualTo(RolloutState.ABORTED);
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> client.abortRollout(action(r.getId(), "stop")), "already ABORTED");
        assertStatus(Status.Code.NOT_FOUND, () -> client.startRollout(action(missing, "go")), missing);
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.reportSignal(ReportSignalRequest.newBuilder().setName("e")
                .setValue(Double.NaN).build()), "finite");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.reportSignal(ReportSignalRequest.newBuilder().setValue(1).build()),
                "name is required");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.reportSignal(ReportSignalRequest.newBuilder().setName("e").setValue(1)
                .putLabels("rollout_id", "x").build()), "labels.rollout_id");
        assertStatus(Status.Code.NOT_FOUND, () -> client.watchRollout(WatchRolloutRequest.newBuilder().setId(missing).build()).next(), missing);
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.checkReadiness(CheckReadinessRequest.getDefaultInstance()), "plan_yaml or id");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.listRollouts(ListRolloutsRequest.newBuilder().setPageSize(-1).build()),
                "page_size");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.listRollouts(ListRolloutsRequest.newBuilder().setPageToken("zz").build()),
                "page_token");
    }

    @Test
    void listsNewestFirstAPageAtATime() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(create("listed" + i, "  - { name: a }\n", false).getId());
        }
        ListRolloutsResponse first = client.listRollouts(ListRolloutsRequest.newBuilder().setPageSize(2).build());
        assertThat(first.getRolloutsList()).extracting(Rollout::getId).containsExactly(ids.get(2), ids.get(1));
        ListRolloutsResponse second = client.listRollouts(ListRolloutsRequest.newBuilder().setPageSize(2)
                .setPageToken(first.getNextPageToken()).build());
        assertThat(second.getRollouts(0).getId()).isEqualTo(ids.get(0));
        assertThat(second.getRollouts(0).getPlanYaml()).contains("name: listed0");
        // a page token is this service's own: a bare rollout id, or one built for another listing, is refused
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.listRollouts(ListRolloutsRequest.newBuilder().setPageSize(2)
                .setPageToken(ids.get(1)).build()), "page_token is not a token this service issued for ListRollouts");
    }

    @Test
    void readinessReportsEachCheck() {
        ReadinessReport report = client.checkReadiness(CheckReadinessRequest.newBuilder().setPlanYaml("""
                name: ready
                signals:
                  - { name: e, source: push }
                  - { name: p, source: prometheus, query: up }
                  - { name: h, source: grpc-health, target: "127.0.0.1:9" }
                phases:
                  - { name: a, flags: { ulid_resolution: on } }
                  - name: b
                    migrations: [ { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid } ]
                """).build());
        assertThat(report.getReady()).isFalse();
        assertThat(report.getChecksList()).extracting(c -> c.getName() + "=" + c.getPassed()).containsExactly(
                "service flag-service healthy=false", "service migration-worker healthy=false", "flag ulid_resolution known=false",
                "target crackerjack known=false", "signal e answering=true", "signal p answering=false", "signal h answering=false");
        assertThat(report.getChecks(0).getDetail()).contains("127.0.0.1:9").contains("UNAVAILABLE");
        assertThat(report.getChecks(5).getDetail()).isEqualTo("Prometheus at http://127.0.0.1:9 could not be reached");
    }

    @Test
    void exposesPhaseRollbackDetectionAndSignalMetrics() throws InterruptedException {
        Rollout r = create("metered", "  - { name: only, bake: 1h }\n", true);
        await(r.getId(), x -> x.getPhases(0).getState() == PhaseState.PHASE_BAKING);
        client.reportSignal(ReportSignalRequest.newBuilder().setName("metered_errors").setValue(12).build());
        String metrics = io.restassured.RestAssured.given().port(TestChannels.quarkusTestPort()).get("/q/metrics").then()
                .statusCode(200).extract().asString();
        assertThat(metrics).contains("ulidmesh_rollout_phase{id=\"" + r.getId() + "\",rollout=\"metered\"} -1.0",
                "ulidmesh_rollout_rollbacks_total{reason=\"signal\"}", "ulidmesh_rollout_detection_duration_seconds_count",
                "ulidmesh_rollout_detection_duration_seconds_bucket", "ulidmesh_rollout_signal{signal=\"metered_errors\"} 12.0");
        // the signal's threshold beside its value, this replica leading, rollouts by state, every rollback reason from the start
        assertThat(metrics).contains("ulidmesh_rollout_signal_threshold{bound=\"above\",signal=\"metered_errors\"} 5.0",
                "ulidmesh_rollout_leader 1.0", "ulidmesh_rollouts{state=\"running\"}",
                "ulidmesh_rollout_rollbacks_total{reason=\"failure\"}", "ulidmesh_rollout_rollbacks_total{reason=\"abort\"}");
        // counted in the database, at most two seconds late
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (rolloutsIn("rolled_back") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(rolloutsIn("rolled_back")).isGreaterThanOrEqualTo(1);
    }

    private static double rolloutsIn(String state) {
        String prefix = "ulidmesh_rollouts{state=\"" + state + "\"} ";
        return io.restassured.RestAssured.given().port(TestChannels.quarkusTestPort()).get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
    }
}
