package io.ulidmesh.rollout.api;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.ulidmesh.proto.rollout.v1.CheckReadinessRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsRequest;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.ReadinessCheck;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import io.ulidmesh.rollout.testing.RolloutEvents;
import io.ulidmesh.testsupport.TestChannels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input over real gRPC: every refused request is INVALID_ARGUMENT naming what was wrong,
 * and changes nothing: no rollout created (ListRollouts' ids unchanged), the running fixture rollout
 * untouched (no new event, same state), no request sent to a signal source outside the allowlist
 * (a local HTTP server outside it counts requests: zero). In this profile the allowlist is the
 * configured Prometheus http://127.0.0.1:9 and the health targets 127.0.0.1:9 (both peers).
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {
    static ManagedChannel channel;
    static RolloutServiceGrpc.RolloutServiceBlockingStub client;
    static HttpServer outside;
    static final AtomicInteger REQUESTS = new AtomicInteger();
    /** A running rollout whose phase bakes for an hour; a breach of its pushed signal would roll it back. */
    static String fixture;
    static long fixtureSequence;

    @BeforeAll
    static void start() throws IOException {
        outside = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        outside.createContext("/", exchange -> {
            REQUESTS.incrementAndGet();
            byte[] body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"1\"]}]}}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        outside.start();
        channel = TestChannels.toQuarkusTestApp();
        client = RolloutServiceGrpc.newBlockingStub(TestChannels.as(channel, "mallory"));
        Rollout r = client.createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: hostile-fixture
                signals: [ { name: hostile_errors, source: push } ]
                rollback: [ { signal: hostile_errors, above: 5 } ]
                phases: [ { name: only, bake: 1h } ]
                """).build());
        fixture = r.getId();
        List<RolloutEvent> events = RolloutEvents.upTo(client, fixture, RolloutEventType.EVENT_PHASE_BAKING, 1);
        fixtureSequence = events.get(events.size() - 1).getSequence();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        outside.stop(0);
    }

    static String outsideUrl() {
        return "http://127.0.0.1:" + outside.getAddress().getPort();
    }

    static CreateRolloutRequest plan(String yaml) {
        return CreateRolloutRequest.newBuilder().setPlanYaml(yaml).setStart(true).build();
    }

    static String withSignal(String signal) {
        return "name: hostile\nsignals:\n  - " + signal + "\nphases: [ { name: a } ]\n";
    }

    static String phases(int count) {
        StringBuilder b = new StringBuilder("name: many\nphases:\n");
        for (int i = 0; i < count; i++) {
            b.append("  - { name: p").append(i).append(" }\n");
        }
        return b.toString();
    }

    static RolloutActionRequest action(String reason) {
        return RolloutActionRequest.newBuilder().setId(fixture).setReason(reason).build();
    }

    /** A breaching value of the fixture's signal: accepted, it would roll the fixture back. */
    static ReportSignalRequest.Builder breach() {
        return ReportSignalRequest.newBuilder().setName("hostile_errors").setValue(99);
    }

    static Arguments row(String what, ThrowingCallable call, String... message) {
        return Arguments.of(what, call, message);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                row("a plan of 101 phases", () -> client.createRollout(plan(phases(101))), "phases: 101 phases, more than the 100"),
                row("a plan over 128 KiB", () -> client.createRollout(plan("name: big\ndescription: " + "x".repeat(200_000)
                        + "\nphases: [ { name: a } ]\n")), "plan_yaml: the plan has more than 131072 bytes"),
                row("an interval under a second", () -> client.createRollout(plan(
                        "name: fast\ninterval: 200ms\nphases: [ { name: a } ]\n")), "interval: 200ms is less than the minimum of 1s"),
                row("NUL in plan_yaml", () -> client.createRollout(plan("name: nul\u0000\nphases: [ { name: a } ]\n")),
                        "plan_yaml: control character U+0000 at line 1, column 10"),
                row("ESC from a YAML escape", () -> client.createRollout(plan("name: esc\nphases: [ { name: \"a\\e[31m\" } ]\n")),
                        "line 2: phases[0].name: control character U+001B"),
                row("a newline from a YAML escape in a single-line field", () -> client.createRollout(plan(withSignal(
                        "{ name: h, source: grpc-health, target: \"127.0.0.1:9\", service: \"x\\nINFO forged\" }"))),
                        "signals[0].service: control character U+000A"),
                row("a file: URL", () -> client.createRollout(plan(withSignal(
                        "{ name: f, source: prometheus, query: up, url: \"file:///etc/passwd\" }"))),
                        "signals[0].url: must be an http or https URL, not file:"),
                row("a URL outside the allowlist", () -> client.createRollout(plan(withSignal(
                        "{ name: o, source: prometheus, query: up, url: \"" + outsideUrl() + "\" }"))),
                        "signals[0].url: '" + outsideUrl() + "' is not under an allowed signal URL (ulidmesh.rollout.allowed-signal-urls)"),
                row("an allowed URL as user info before another host", () -> client.createRollout(plan(withSignal(
                        "{ name: o, source: prometheus, query: up, url: \"http://127.0.0.1:9@127.0.0.1:"
                                + outside.getAddress().getPort() + "\" }"))), "must not carry user info"),
                row("a health target outside the allowlist", () -> client.createRollout(plan(withSignal(
                        "{ name: h, source: grpc-health, target: \"127.0.0.1:" + outside.getAddress().getPort() + "\" }"))),
                        "is not an allowed health target (ulidmesh.rollout.allowed-health-targets)"),
                row("a signal name that is no metric label", () -> client.createRollout(plan(withSignal(
                        "{ name: \"rate{job='x'}\", source: push }"))), "signals[0].name: 'rate{job='x'}' must match"),
                row("CheckReadiness of a file: URL", () -> client.checkReadiness(CheckReadinessRequest.newBuilder().setPlanYaml(
                        withSignal("{ name: f, source: prometheus, query: up, url: \"file:///etc/passwd\" }")).build()),
                        "signals[0].url: must be an http or https URL, not file:"),
                row("CheckReadiness of a URL outside the allowlist", () -> client.checkReadiness(CheckReadinessRequest.newBuilder()
                        .setPlanYaml(withSignal("{ name: o, source: prometheus, query: up, url: \"" + outsideUrl() + "/\" }")).build()),
                        "is not under an allowed signal URL"),
                row("CheckReadiness of a health target outside the allowlist", () -> client.checkReadiness(
                        CheckReadinessRequest.newBuilder().setPlanYaml(withSignal("{ name: h, source: grpc-health, target: \"127.0.0.1:"
                                + outside.getAddress().getPort() + "\" }")).build()), "is not an allowed health target"),
                row("a newline in a reason", () -> client.pauseRollout(action("freeze\nINFO rollout resumed by admin")),
                        "reason: control character U+000A at position 7 is not allowed"),
                row("ESC in a reason", () -> client.rollbackRollout(action("\u001b[2Jall good")), "reason: control character U+001B"),
                row("NUL in a reason", () -> client.abortRollout(action("stop\u0000")), "reason: control character U+0000"),
                row("a control character in an optional reason", () -> client.startRollout(action("go\u0007")),
                        "reason: control character U+0007"),
                row("a control character in Promote's reason", () -> client.promoteRollout(action("ok\r")),
                        "reason: control character U+000D"),
                row("a control character in Resume's reason", () -> client.resumeRollout(action("\u0085next")),
                        "reason: control character U+0085"),
                row("a reason of 501 characters", () -> client.pauseRollout(action("x".repeat(501))),
                        "reason: 501 characters, more than 500"),
                row("ESC in a signal name", () -> client.reportSignal(breach().setName("hostile_errors\u001b[0m").build()),
                        "name: control character U+001B"),
                row("a signal name no plan can declare", () -> client.reportSignal(breach().setName("hostile errors").build()),
                        "name: 'hostile errors' must match"),
                row("NUL in a label value", () -> client.reportSignal(breach().putLabels("note", "a\u0000b").build()),
                        "labels[note]: control character U+0000"),
                row("a newline in a label key", () -> client.reportSignal(breach().putLabels("no\nte", "x").build()),
                        "labels (a key): control character U+000A"),
                row("NUL in an id", () -> client.getRollout(GetRolloutRequest.newBuilder().setId(fixture + "\u0000").build()), "id:"),
                row("ESC in a page token", () -> client.listRollouts(ListRolloutsRequest.newBuilder().setPageToken("\u001b[31m").build()),
                        "page_token"));
    }

    static List<String> ids() {
        return client.listRollouts(ListRolloutsRequest.newBuilder().setPageSize(1000).build()).getRolloutsList().stream()
                .map(Rollout::getId).toList();
    }

    static Rollout fixture() {
        return client.getRollout(GetRolloutRequest.newBuilder().setId(fixture).build());
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void isRefusedAndChangesNothing(String what, ThrowingCallable call, String[] message) {
        List<String> before = ids();
        Rollout fixtureBefore = fixture();
        assertThat(fixtureBefore.getState()).isEqualTo(RolloutState.RUNNING);

        assertStatus(Status.Code.INVALID_ARGUMENT, call, message);

        assertThat(ids()).as("rollouts after: %s", what).isEqualTo(before);
        assertThat(fixture()).as("the fixture after: %s", what).isEqualTo(fixtureBefore);
        assertThat(REQUESTS).as("requests to the server outside the allowlist").hasValue(0);
    }

    @Order(2)
    @Test
    void aMessageOverTheServersLimitIsRefusedBeforeAnyHandler() {
        List<String> before = ids();
        assertStatus(Status.Code.RESOURCE_EXHAUSTED, () -> client.createRollout(plan("name: huge\ndescription: "
                + "x".repeat(300_000) + "\nphases: [ { name: a } ]\n")));
        assertThat(ids()).isEqualTo(before);
    }

    @Order(3)
    @Test
    void theFixtureSawNoEventAndTheServerOutsideTheAllowlistNoRequest() throws Exception {
        assertThat(eventsAfter(fixture, fixtureSequence)).isEmpty();
        Rollout r = fixture();
        assertThat(r.getState()).isEqualTo(RolloutState.RUNNING);
        assertThat(r.getPhases(0).getState()).isEqualTo(PhaseState.PHASE_BAKING);
        assertThat(REQUESTS).hasValue(0);
        // the counter counts: one request of our own reaches it
        HttpResponse<String> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(outsideUrl() + "/api/v1/query"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(REQUESTS).hasValue(1);
    }

    @Order(4)
    @Test
    void errorsClientsReadCarryNoClientLibraryText() {
        // the configured Prometheus is allowed, so it is asked; nothing listens there
        List<ReadinessCheck> checks = client.checkReadiness(CheckReadinessRequest.newBuilder().setPlanYaml(withSignal(
                "{ name: p, source: prometheus, query: up, url: \"http://127.0.0.1:9/\" }")).build()).getChecksList();
        ReadinessCheck signal = checks.stream().filter(c -> c.getName().equals("signal p answering")).findFirst().orElseThrow();
        assertThat(signal.getPassed()).isFalse();
        assertThat(signal.getDetail()).isEqualTo("Prometheus at http://127.0.0.1:9/ could not be reached");
        assertThat(checks).extracting(ReadinessCheck::getDetail).noneMatch(d -> d.contains("Exception") || d.contains("java."));
    }

    @Order(5)
    @Test
    void metricLabelsCarryOnlyNamesFromPlansAndPhaseGaugesOnlyRolloutsInProgress() {
        assertThat(client.reportSignal(ReportSignalRequest.newBuilder().setName("invented_by_a_pusher").setValue(1).build())
                .getRolloutsEvaluated()).isZero();
        assertThat(client.reportSignal(ReportSignalRequest.newBuilder().setName("hostile_errors").setValue(2).build())
                .getRolloutsEvaluated()).isEqualTo(1);
        Rollout ended = client.createRollout(plan("name: ended\nphases: [ { name: a, bake: 1h } ]\n"));
        client.abortRollout(RolloutActionRequest.newBuilder().setId(ended.getId()).setReason("end it").build());

        String metrics = RestAssured.given().port(TestChannels.quarkusTestPort()).get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertThat(metrics).contains("ulidmesh_rollout_signal{signal=\"hostile_errors\"} 2.0",
                "ulidmesh_rollout_phase{id=\"" + fixture + "\",rollout=\"hostile-fixture\"} 0.0");
        assertThat(metrics).doesNotContain("invented_by_a_pusher").doesNotContain(ended.getId());
    }

    /** The rollout's events after {@code sequence} that arrive within half a second (the watch polls every 100ms). */
    static List<RolloutEvent> eventsAfter(String id, long sequence) {
        List<RolloutEvent> events = new ArrayList<>();
        Iterator<RolloutEvent> it = client.withDeadlineAfter(500, TimeUnit.MILLISECONDS)
                .watchRollout(WatchRolloutRequest.newBuilder().setId(id).setAfterSequence(sequence).build());
        assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> it.forEachRemaining(events::add));
        return events;
    }
}
