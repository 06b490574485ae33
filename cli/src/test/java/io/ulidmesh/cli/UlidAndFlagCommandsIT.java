package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.grpc.ManagedChannel;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.testsupport.TestChannels;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ulid} and {@code flags} against the real resolution-service and flag-service. */
class UlidAndFlagCommandsIT {
    private static TestMesh mesh;
    private static Cli admin;
    private static ManagedChannel resolutionChannel;

    @BeforeAll
    static void start() {
        mesh = TestMesh.get();
        admin = new Cli(mesh.environment("admin"), Cli.emptyDirectory());
        resolutionChannel = TestChannels.to(mesh.resolution.port());
    }

    @AfterAll
    static void close() {
        resolutionChannel.shutdownNow();
    }

    @Test
    void ulidGeneratePrintsStrictlyIncreasingUlids() {
        Cli.Run json = admin.run("ulid", "generate", "3", "-o", "json");
        assertThat(json.code()).as(json.toString()).isZero();
        List<String> ulids = json.json().getAsJsonArray("ulids").asList().stream().map(JsonElement::getAsString).toList();
        assertThat(ulids).hasSize(3).allMatch(u -> u.matches("[0-7][0-9A-HJKMNP-TV-Z]{25}")).isSorted().doesNotHaveDuplicates();
        Cli.Run text = admin.run("ulid", "generate");
        assertThat(text.lines()).hasSize(1).allMatch(u -> u.compareTo(ulids.get(2)) > 0);
    }

    @Test
    void ulidResolveTraceAndStatsShowWhatWasRegistered() {
        var registry = ResolutionServiceGrpc.newBlockingStub(resolutionChannel);
        Reference job = registry.register(RegisterRequest.newBuilder().setSystem("crackerjack").setReferenceType("job")
                .setReference("job-41").putMetadata("test_file", "tests/test_cli.py").build());
        Reference retry = registry.register(RegisterRequest.newBuilder().setSystem("crackerjack").setReferenceType("job")
                .setReference("job-42").addRelatedUlids(job.getUlid()).build());

        JsonObject resolved = admin.run("ulid", "resolve", job.getUlid().toLowerCase(), "-o", "json").json();
        assertThat(resolved.get("ulid").getAsString()).isEqualTo(job.getUlid());
        assertThat(resolved.get("reference").getAsString()).isEqualTo("job-41");
        assertThat(resolved.getAsJsonObject("metadata").get("test_file").getAsString()).isEqualTo("tests/test_cli.py");
        assertThat(resolved.get("registeredBy").getAsString()).isEqualTo("test-admin");
        assertThat(admin.run("ulid", "resolve", job.getUlid()).out()).containsPattern("reference +job-41")
                .contains("metadata.test_file  tests/test_cli.py");

        Cli.Run trace = admin.run("ulid", "trace", job.getUlid(), "--depth", "1", "-o", "json");
        assertThat(trace.code()).isZero();
        JsonObject t = trace.json();
        assertThat(t.getAsJsonObject("origin").get("ulid").getAsString()).isEqualTo(job.getUlid());
        assertThat(t.getAsJsonArray("related").get(0).getAsJsonObject().get("ulid").getAsString()).isEqualTo(retry.getUlid());
        JsonObject edge = t.getAsJsonArray("edges").get(0).getAsJsonObject();
        assertThat(List.of(edge.get("fromUlid").getAsString(), edge.get("toUlid").getAsString(), edge.get("relation").getAsString()))
                .containsExactly(retry.getUlid(), job.getUlid(), "related");
        assertThat(admin.run("ulid", "trace", retry.getUlid()).out()).contains("1 related within 3 hops")
                .contains(retry.getUlid() + " --related--> " + job.getUlid());

        JsonObject stats = admin.run("ulid", "stats", "-o", "json").json();
        assertThat(Long.parseLong(stats.get("references").getAsString())).isGreaterThanOrEqualTo(2);
        assertThat(Long.parseLong(stats.getAsJsonObject("referencesBySystem").get("crackerjack").getAsString())).isGreaterThanOrEqualTo(2);
        assertThat(admin.run("ulid", "stats").out()).containsPattern("crackerjack +\\d+");
    }

    @Test
    void ulidResolveOfAnUnknownUlidIsRefusedWithOneLine() {
        Cli.Run run = admin.run("ulid", "resolve", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).startsWith("NOT_FOUND: ").doesNotContain("\n");
        Cli.Run bad = admin.run("ulid", "resolve", "not-a-ulid");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("INVALID_ARGUMENT: ulid: ").contains("fix the value it names");
    }

    @Test
    void flagsSetGetListEvaluateHistoryAndDelete() {
        Cli.Run set = admin.run("flags", "set", "use_v2_coordinator", "--percent", "10", "--reason", "canary", "-o", "json");
        assertThat(set.code()).as(set.toString()).isZero();
        JsonObject flag = set.json();
        assertThat(flag.get("basisPoints").getAsInt()).isEqualTo(1000);
        assertThat(flag.get("cohort").getAsString()).isEqualTo("use_v2_coordinator");
        assertThat(flag.get("updatedBy").getAsString()).isEqualTo("cli-admin");
        long version = Long.parseLong(flag.get("version").getAsString());

        // The cohort hash vectors of docs/architecture.md: user-2 is in bucket 345, user-1 in 6403.
        JsonObject in = admin.run("flags", "evaluate", "use_v2_coordinator", "user-2", "-o", "json").json();
        assertThat(in.get("enabled").getAsBoolean()).isTrue();
        assertThat(in.get("bucket").getAsInt()).isEqualTo(345);
        assertThat(in.get("reason").getAsString()).isEqualTo("IN_ROLLOUT");
        assertThat(admin.run("flags", "evaluate", "use_v2_coordinator", "user-1").out().strip())
                .isEqualTo("use_v2_coordinator for user-1: disabled (OUT_OF_ROLLOUT, bucket 6403, version " + version + ")");

        Cli.Run on = admin.run("flags", "set", "use_v2_coordinator", "--on", "--cohort", "coordinators", "--reason", "full");
        assertThat(on.out().strip()).isEqualTo("use_v2_coordinator is on (cohort coordinators, version " + (version + 1) + ")");
        assertThat(admin.run("flags", "get", "use_v2_coordinator").out()).contains("value        on (10000 basis points)")
                .contains("reason       full");
        assertThat(admin.run("flags", "list").out()).containsPattern("use_v2_coordinator +on +coordinators +" + (version + 1));
        JsonArray flags = admin.run("flags", "list", "-o", "json").json().getAsJsonArray("flags");
        assertThat(flags.asList()).anyMatch(f -> f.getAsJsonObject().get("name").getAsString().equals("use_v2_coordinator"));

        JsonArray changes = admin.run("flags", "history", "use_v2_coordinator", "-o", "json").json().getAsJsonArray("changes");
        assertThat(changes.get(0).getAsJsonObject().get("reason").getAsString()).isEqualTo("full");
        assertThat(changes.get(1).getAsJsonObject().get("reason").getAsString()).isEqualTo("canary");
        assertThat(admin.run("flags", "history", "use_v2_coordinator").out()).contains("10% → on").contains("(none) → 10%");

        Cli.Run stale = admin.run("flags", "set", "use_v2_coordinator", "--off", "--expected-version", "1", "--reason", "stale");
        assertThat(stale.code()).isEqualTo(1);
        assertThat(stale.err()).startsWith("ABORTED: ").contains("read it again and retry");

        Cli.Run delete = admin.run("flags", "delete", "use_v2_coordinator", "--reason", "done");
        assertThat(delete.code()).isZero();
        assertThat(delete.out()).contains("deleted use_v2_coordinator (was on");
        Cli.Run gone = admin.run("flags", "get", "use_v2_coordinator");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).startsWith("NOT_FOUND: ").contains("(ulidmesh flags list)");
    }

    @Test
    void aViewerMayReadButAWriteIsPermissionDeniedNamingTheRole() {
        Cli viewer = new Cli(mesh.environment("viewer"), Cli.emptyDirectory());
        assertThat(viewer.run("flags", "list").code()).isZero();
        Cli.Run write = viewer.run("flags", "set", "viewer_flag", "--on", "--reason", "try");
        assertThat(write.code()).isEqualTo(1);
        assertThat(write.err().strip()).startsWith("PERMISSION_DENIED: ").contains("needs role operator")
                .endsWith("— use a token with role operator (--token-file)");
        assertThat(admin.run("flags", "get", "viewer_flag").code()).isEqualTo(1);
    }
}
