package io.ulidmesh.flags.api;

import static io.restassured.RestAssured.given;
import static io.ulidmesh.flags.api.FlagServiceTest.unique;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveAllRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveBooleanRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveStringRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ServiceGrpc;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.EvaluationReason;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagChange;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc.FlagServiceBlockingStub;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.LogCapture;
import io.ulidmesh.testsupport.TestChannels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input over real gRPC: every refusal is INVALID_ARGUMENT naming the field and leaves the
 * flag as it was; free text is kept as sent but escaped in log lines; viewers' flag names never
 * become metric labels.
 */
@QuarkusTest
class HostileInputTest {
    private static final String FORGED = "ok\n2030-01-01 00:00:00,000 INFO  [io.ulidmesh] forged\u001b[31m";
    private ManagedChannel channel;
    private FlagServiceBlockingStub flags;
    private ServiceGrpc.ServiceBlockingStub flagd;

    @BeforeEach
    void connect() {
        channel = TestChannels.toQuarkusTestApp();
        flags = FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        flagd = ServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void setFlagRefusesNulAndControlCharactersAndChangesNothing() {
        String name = unique("hostile.set");
        Flag before = flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(2500)
                .setDescription("kept").setReason("created").build());
        refusedAndUnchanged(before, r -> r.setName(name + "\u0000"), "flag name '" + name + "\\u0000'");
        refusedAndUnchanged(before, r -> r.setName(name + "\n"), "flag name '" + name + "\\n'");
        refusedAndUnchanged(before, r -> r.setCohort("c\u0000"), "cohort 'c\\u0000'");
        refusedAndUnchanged(before, r -> r.setCohort("\u001b[31mred"), "cohort '\\u001b[31mred'");
        refusedAndUnchanged(before, r -> r.setReason("why\u0000not"), "reason has a NUL character", "position 3");
        refusedAndUnchanged(before, r -> r.setDescription("\u0000"), "description has a NUL character", "position 0");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.deleteFlag(DeleteFlagRequest.newBuilder().setName(name)
                .setReason("bye\u0000").build()), "reason has a NUL character");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.deleteFlag(DeleteFlagRequest.newBuilder()
                .setName(name + "\u0000").build()), "flag name");
        assertUnchanged(before);
    }

    @Test
    void readsAndEvaluationsRefuseNulNamingTheField() {
        String name = unique("hostile.eval");
        flags.setFlag(SetFlagRequest.newBuilder().setName(name).setEnabled(true).build());
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.getFlag(GetFlagRequest.newBuilder().setName(name + "\u0000")
                .build()), "flag name");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.history(HistoryRequest.newBuilder().setFlag("\u0000")
                .build()), "flag name");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.evaluate(EvaluateRequest.newBuilder().setFlag(name)
                .setEntityId("user\u00001").build()), "entity_id has a NUL character", "position 4");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.evaluate(EvaluateRequest.newBuilder().setFlag(name + "\u0000")
                .setEntityId("user-1").build()), "flag has a NUL character");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.batchEvaluate(BatchEvaluateRequest.newBuilder()
                .addFlags(name).addEntityIds("a").addEntityIds("b\u0000").build()), "entity_ids[1] has a NUL");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.batchEvaluate(BatchEvaluateRequest.newBuilder()
                .addFlags("\u0000").addEntityIds("a").build()), "flags[0] has a NUL");
        // Without a NUL, an unknown or malformed name is still FLAG_NOT_FOUND, never an error.
        assertThat(flags.evaluate(EvaluateRequest.newBuilder().setFlag("Not\nA Name").setEntityId("e\t1").build())
                .getReason()).isEqualTo(EvaluationReason.FLAG_NOT_FOUND);

        assertStatus(Code.INVALID_ARGUMENT, () -> flagd.resolveBoolean(ResolveBooleanRequest.newBuilder()
                .setFlagKey(name).setContext(targeting("user\u0000")).build()), "context.targetingKey has a NUL");
        assertStatus(Code.INVALID_ARGUMENT, () -> flagd.resolveBoolean(ResolveBooleanRequest.newBuilder()
                .setFlagKey(name + "\u0000").setContext(targeting("user")).build()), "flag_key has a NUL");
        assertStatus(Code.INVALID_ARGUMENT, () -> flagd.resolveAll(ResolveAllRequest.newBuilder()
                .setContext(targeting("\u0000")).build()), "context.targetingKey has a NUL");
        assertStatus(Code.INVALID_ARGUMENT, () -> flagd.resolveString(ResolveStringRequest.newBuilder()
                .setFlagKey("\u0000").build()), "flag_key has a NUL");
    }

    /** Reasons, descriptions and actors are free text: kept exactly, escaped in the log line. */
    @Test
    void freeTextIsKeptButCannotForgeALogLine() {
        String name = unique("hostile.log");
        String actor = "mallory\r\n2030-01-01 INFO forged";
        FlagServiceBlockingStub asMallory = FlagServiceGrpc.newBlockingStub(TestChannels.as(channel, actor))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        List<String> lines;
        try (LogCapture log = LogCapture.of("io.ulidmesh.flags.store.JdbcFlagRepository")) {
            asMallory.setFlag(SetFlagRequest.newBuilder().setName(name).setEnabled(true).setReason(FORGED)
                    .setDescription("two\nlines").build());
            asMallory.deleteFlag(DeleteFlagRequest.newBuilder().setName(name).setReason("gone\u001b[2J").build());
            lines = log.lines();
        }
        List<String> mine = lines.stream().filter(line -> line.startsWith("flag " + name + " ")).toList();
        assertThat(mine).hasSize(2).allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r", "\u001b")
                .contains("mallory\\r\\n2030-01-01 INFO forged"));
        assertThat(mine.get(0)).contains("ok\\n2030-01-01", "forged\\u001b[31m");
        assertThat(mine.get(1)).contains("gone\\u001b[2J");

        List<FlagChange> history = flags.history(HistoryRequest.newBuilder().setFlag(name).build()).getChangesList();
        assertThat(history).extracting(FlagChange::getReason).containsExactly("gone\u001b[2J", FORGED);
        // The actor (the token's sub) arrives escaped already (common's AuditText).
        assertThat(history).extracting(FlagChange::getActor).containsOnly("mallory\\r\\n2030-01-01 INFO forged");
        assertThat(history.get(1).getAfter().getDescription()).isEqualTo("two\nlines");
    }

    @Test
    void evaluationsOfUnknownNamesAddNoMetricSeries() {
        flags.evaluate(EvaluateRequest.newBuilder().setFlag(unique("warm.up")).setEntityId("e").build());
        Set<String> before = ulidmeshSeries(scrape());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            names.add("probe." + UUID.randomUUID().toString().replace("-", ""));
        }
        for (String name : names) {
            flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("e").build());
        }
        flags.batchEvaluate(BatchEvaluateRequest.newBuilder().addAllFlags(names.subList(0, 100)).addEntityIds("e").build());
        flagd.resolveAll(ResolveAllRequest.newBuilder().setContext(targeting("e")).build());
        for (String name : names.subList(0, 100)) {
            assertStatus(Code.NOT_FOUND, () -> flagd.resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey(name)
                    .setContext(targeting("e")).build()));
        }
        String metrics = scrape();
        assertThat(metrics).doesNotContain("probe.");
        assertThat(ulidmeshSeries(metrics)).isEqualTo(before);
    }

    /** Flag names are operators' choice, bounded by the flags that exist: a deleted flag's gauge goes. */
    @Test
    void aDeletedFlagsGaugeIsRemoved() throws InterruptedException {
        String name = unique("hostile.gauge");
        String series = "ulidmesh_flag_basis_points{flag=\"" + name + "\"}";
        flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(1234).build());
        awaitMetrics(metrics -> metrics.contains(series + " 1234.0"), "the gauge of " + name);
        flags.deleteFlag(DeleteFlagRequest.newBuilder().setName(name).build());
        awaitMetrics(metrics -> !metrics.contains(series), "the gauge of " + name + " to go");
        flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(77).build());
        awaitMetrics(metrics -> metrics.contains(series + " 77.0"), "the gauge of the re-created " + name);
    }

    private void refusedAndUnchanged(Flag before, UnaryOperator<SetFlagRequest.Builder> change, String... parts) {
        SetFlagRequest request = change.apply(SetFlagRequest.newBuilder().setName(before.getName())
                .setBasisPoints(9999).setReason("hostile")).build();
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(request), parts);
        assertUnchanged(before);
    }

    private void assertUnchanged(Flag before) {
        assertThat(flags.getFlag(GetFlagRequest.newBuilder().setName(before.getName()).build())).isEqualTo(before);
        assertThat(flags.history(HistoryRequest.newBuilder().setFlag(before.getName()).build()).getChangesCount())
                .isEqualTo(1);
    }

    private static Struct targeting(String key) {
        return Struct.newBuilder().putFields("targetingKey", Value.newBuilder().setStringValue(key).build()).build();
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The ulidmesh series of an exposition: names with their labels, without values. */
    private static Set<String> ulidmeshSeries(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("ulidmesh_"))
                .map(line -> line.substring(0, line.lastIndexOf(' '))).collect(Collectors.toSet());
    }

    /** The change feed updates gauges after the listener's catch-up, so wait for it. */
    private static void awaitMetrics(java.util.function.Predicate<String> condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.test(scrape())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

}
