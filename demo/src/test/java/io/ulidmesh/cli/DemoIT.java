package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end: {@code ./mesh demo --rows 2000 --speed max} against a mesh
 * it starts with its own state folder and database prefix, then {@code ./mesh down}. The demo must
 * exit 0, its JSON report must show the rollout COMPLETED, the fault's rollback with its detection
 * time and every table validated with the seeded rows plus the old-code writers' rows, and the
 * rollout's own events (read from the controller) must show the breach, rollback, resume and sign-off.
 */
class DemoIT {
    private static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    private static final int ROWS = 2000;

    private final String prefix = "ulidmesh_demoit_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36) + "_";
    @TempDir
    Path state;

    @AfterEach
    void stopAndDropDatabases() throws Exception {
        mesh(60, "down");
        for (String db : new String[] {"resolution", "flags", "migration", "rollout", "demo_akosha"}) {
            TestPostgres.dropDatabase(TestPostgres.urlOf(prefix + db));
        }
    }

    @Test
    void demoRunsTheEcosystemRolloutWithAFaultRollbackResumeAndSignOff() throws Exception {
        long started = System.nanoTime();
        Result demo = mesh(240, "demo", "--rows", String.valueOf(ROWS), "--speed", "max", "--plain");
        assertThat(demo.exit()).as("./mesh demo said:\n" + demo.output()).isZero();
        assertThat(demo.output()).contains("all four services are ready").contains("demo passed");

        JsonObject report = JsonParser.parseString(Files.readString(state.resolve("demo-report.json"))).getAsJsonObject();
        assertThat(report.get("state").getAsString()).isEqualTo("COMPLETED");
        assertThat(report.getAsJsonArray("phases")).hasSize(6)
                .allSatisfy(p -> assertThat(p.getAsJsonObject().get("state").getAsString()).isEqualTo("COMPLETED"));
        JsonObject rollback = report.getAsJsonObject("rollback");
        assertThat(rollback.get("phase").getAsString()).isEqualTo("session-buddy-duckdb-migration");
        assertThat(rollback.get("signal").getAsString()).isEqualTo("resolution_error_rate");
        assertThat(rollback.get("detection_to_rollback_ms").getAsLong()).isBetween(0L, 30_000L);
        assertThat(report.getAsJsonArray("databases")).hasSize(3);
        for (JsonElement d : report.getAsJsonArray("databases")) {
            JsonObject db = d.getAsJsonObject();
            long rows = db.get("rows").getAsLong();
            assertThat(db.get("validated").getAsBoolean()).as(db.toString()).isTrue();
            assertThat(db.get("migration_state").getAsString()).isEqualTo("VALIDATED");
            assertThat(rows).as(db.toString()).isEqualTo(ROWS + db.get("written_by_old_code").getAsLong());
            assertThat(db.get("written_by_old_code").getAsLong()).as(db.toString()).isPositive();
            assertThat(db.get("rows_migrated").getAsLong()).isEqualTo(rows);
            assertThat(db.get("distinct_ulids").getAsLong()).isEqualTo(rows);
        }
        JsonObject traffic = report.getAsJsonObject("traffic");
        assertThat(traffic.get("registered").getAsLong()).isPositive();
        assertThat(traffic.get("flag_evaluations").getAsLong()).isPositive();
        assertThat(traffic.get("signals_reported").getAsLong()).isPositive();

        List<RolloutEvent> events = events(report.get("rollout_id").getAsString());
        List<RolloutEventType> types = events.stream().map(RolloutEvent::getType).toList();
        assertThat(types).containsSubsequence(RolloutEventType.EVENT_SIGNAL_BREACHED, RolloutEventType.EVENT_ROLLBACK_STARTED,
                RolloutEventType.EVENT_PHASE_ROLLED_BACK, RolloutEventType.EVENT_RESUMED, RolloutEventType.EVENT_PROMOTED,
                RolloutEventType.EVENT_COMPLETED);
        assertThat(events).filteredOn(e -> e.getType() == RolloutEventType.EVENT_SIGNAL_BREACHED).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("resolution_error_rate = 7.5"));
        assertThat(events).filteredOn(e -> e.getType() == RolloutEventType.EVENT_RESUMED).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("fault cleared"));
        assertThat(events).filteredOn(e -> e.getType() == RolloutEventType.EVENT_PROMOTED).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("sign-off"));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(240);
    }

    /** The rollout's events as WatchRollout replays them (it then streams live ones; the deadline ends it). */
    private List<RolloutEvent> events(String id) throws Exception {
        String admin = Files.readString(state.resolve("secrets/admin.jwt")).strip();
        ManagedChannel channel = TestChannels.withoutToken(8683);
        List<RolloutEvent> events = new ArrayList<>();
        try {
            Iterator<RolloutEvent> it = RolloutServiceGrpc.newBlockingStub(TestChannels.withToken(channel, admin))
                    .withDeadlineAfter(3, TimeUnit.SECONDS).watchRollout(WatchRolloutRequest.newBuilder().setId(id).build());
            while (it.hasNext()) {
                events.add(it.next());
            }
        } catch (StatusRuntimeException endedByDeadline) {
            // the replay is read; the stream would go on with live events
        } finally {
            channel.shutdownNow();
        }
        return events;
    }

    record Result(int exit, String output) {
    }

    private Result mesh(int seconds, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("./mesh"));
        line.addAll(List.of(command));
        File log = state.resolve("mesh-" + command[0] + ".out").toFile();
        ProcessBuilder builder = new ProcessBuilder(line).directory(TOP.toFile()).redirectErrorStream(true).redirectOutput(log);
        builder.environment().put("MESH_DB_PREFIX", prefix);
        builder.environment().put("MESH_STATE_DIR", state.toString());
        builder.environment().put("MESH_PG_USER", TestPostgres.user());
        builder.environment().put("MESH_PG_PASSWORD", TestPostgres.password());
        Process process = builder.start();
        boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertThat(ended).as("./mesh " + String.join(" ", command) + " within " + seconds + " s; it said:\n" + output).isTrue();
        return new Result(process.exitValue(), output);
    }
}
