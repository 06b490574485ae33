package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.ulidmesh.testsupport.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code rollout} against the real controller driving the real flag-service and migration-worker. */
class RolloutCommandsIT {
    private static TestMesh mesh;
    private static Cli admin;
    private static Path plans;

    @BeforeAll
    static void start() {
        mesh = TestMesh.get();
        plans = Cli.emptyDirectory();
        admin = mesh.admin(plans);
        String target = mesh.targetDatabase("cli_rollout_target", "CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL)",
                "INSERT INTO events SELECT g, 'kind-' || (g % 7) FROM generate_series(1, 2500) g");
        Cli.Run registered = admin.run("migrate", "register-target", "session-buddy", "--jdbc-url", target,
                "--username", TestPostgres.user());
        assertThat(registered.code()).as(registered.toString()).isZero();
    }

    static String plan(String file, String... lines) {
        try {
            Files.writeString(plans.resolve(file), String.join("\n", lines) + "\n");
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String started(String file) {
        Cli.Run run = admin.run("rollout", "start", file, "-o", "json");
        assertThat(run.code()).as(run.toString()).isZero();
        return run.json().get("id").getAsString();
    }

    static JsonObject await(String id, Predicate<JsonObject> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonObject r = null;
        while (System.nanoTime() < deadline) {
            r = admin.run("rollout", "get", id, "-o", "json").json();
            if (condition.test(r)) {
                return r;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("rollout " + id + " never reached the condition; last: " + r);
    }

    static Predicate<JsonObject> phase(int index, String state) {
        return r -> r.get("currentPhase").getAsInt() == index
                && r.getAsJsonArray("phases").get(index).getAsJsonObject().get("state").getAsString().equals(state);
    }

    static Predicate<JsonObject> state(String state) {
        return r -> r.get("state").getAsString().equals(state);
    }

    @Test
    void startAndWatchPipedUntilCompletedWithFlagsMigrationSignalsAndEvents() throws Exception {
        plan("watch.yaml",
                "name: cli-watch",
                "interval: 1s",
                "signals:",
                "  - { name: cli_errors, source: push }",
                "rollback:",
                "  - { signal: cli_errors, above: 5 }",
                "phases:",
                "  - name: foundation",
                "    flags: { cli_watch_a: on }",
                "    bake: 3s",
                "  - name: sessions",
                "    flags: { cli_watch_b: 50% }",
                "    migrations:",
                "      - { target: session-buddy, table: events, key: id, ulid_column: event_ulid, batch_size: 250, max_rows_per_second: 1000 }",
                "    bake: 1s");
        String id = started("watch.yaml");
        CompletableFuture<Cli.Run> watching = CompletableFuture.supplyAsync(() -> admin.run("rollout", "get", id, "--watch"));
        await(id, phase(0, "PHASE_BAKING"));
        Cli.Run signal = admin.run("rollout", "signal", "cli_errors", "1");
        assertThat(signal.out().strip()).isEqualTo("signal cli_errors = 1: evaluated by 1 running rollout");
        Cli.Run health = admin.run("rollout", "health", id);
        assertThat(health.code()).as(health.toString()).isZero();
        assertThat(health.out()).containsPattern("rollout " + id + "  cli-watch  (RUNNING|COMPLETED)")
                .containsPattern("cli_watch_a +on +on +v1").containsPattern("cli_errors +1 +push +cli_errors above 5")
                .contains("alerts: no Alertmanager configured");
        assertThat(admin.run("rollout", "health", id, "-o", "json").json().getAsJsonArray("rollouts").get(0).getAsJsonObject()
                .getAsJsonArray("signals").get(0).getAsJsonObject().get("value").getAsDouble()).isEqualTo(1.0);

        Cli.Run watch = watching.get(90, TimeUnit.SECONDS);
        assertThat(watch.code()).as(watch.toString()).isZero();
        String out = watch.out();
        assertThat(out).doesNotContain("\u001b[");
        assertThat(out).contains("rollout " + id + "  cli-watch  RUNNING");
        assertThat(out).containsPattern("#\\d+ +FLAG_SET +foundation: ");
        assertThat(out).contains("phase foundation BAKING").contains("phase sessions COMPLETED");
        assertThat(out).contains("flag cli_watch_a now on (v1)").contains("flag cli_watch_b now 50% (v1)");
        assertThat(out).containsPattern("migration [0-9A-Z]{26} \\[[█░]{30}] +\\d+%  [\\d,]+/2,500 rows");
        assertThat(out).contains("signal cli_errors  1  push  rollback above 5");
        assertThat(watch.lines().get(watch.lines().size() - 1)).startsWith("rollout " + id + " is COMPLETED");

        Cli.Run tree = admin.run("rollout", "get", id);
        assertThat(tree.out()).contains("rollout " + id + "  cli-watch  COMPLETED").containsPattern("├─ ✓ foundation +COMPLETED")
                .containsPattern("│  └─ flag cli_watch_a → on +now on \\(v1\\)")
                .contains("└─ migration session-buddy.events.event_ulid  expand, backfill, validate")
                .containsPattern("100%  2,500/2,500 rows +VALIDATED").contains("latest events").contains("COMPLETED");
        JsonObject json = admin.run("rollout", "get", id, "-o", "json").json();
        assertThat(json.get("state").getAsString()).isEqualTo("COMPLETED");
        assertThat(json.getAsJsonArray("phases").get(1).getAsJsonObject().getAsJsonArray("migrations").get(0).getAsJsonObject()
                .get("migrationId").getAsString()).hasSize(26);
        assertThat(admin.run("rollout", "list", "-o", "json").json().getAsJsonArray("rollouts").asList())
                .anyMatch(r -> r.getAsJsonObject().get("id").getAsString().equals(id));
        assertThat(admin.run("rollout", "list").out()).containsPattern(id + " +cli-watch +COMPLETED");

        Cli.Run readiness = admin.run("rollout", "readiness", id, "-o", "json");
        assertThat(readiness.json().get("ready").getAsBoolean()).as(readiness.out()).isTrue();
        assertThat(readiness.code()).isZero();

        // Watching a finished rollout replays its events and ends at once; as JSON, one object per line.
        Cli.Run replay = admin.run("rollout", "get", id, "--watch", "-o", "json");
        List<JsonObject> lines = replay.jsonLines();
        assertThat(lines.get(0).has("rollout")).isTrue();
        assertThat(lines).anyMatch(l -> l.has("event") && l.getAsJsonObject("event").get("type").getAsString().equals("EVENT_COMPLETED"));
        assertThat(lines.get(lines.size() - 1).getAsJsonObject("final").get("state").getAsString()).isEqualTo("COMPLETED");
    }

    @Test
    void theOperatorActionsPromotePauseResumeRollbackBySignalAndAbort() throws Exception {
        plan("gate.yaml",
                "name: cli-gate",
                "signals:",
                "  - { name: cli_gate_errors, source: push }",
                "rollback:",
                "  - { signal: cli_gate_errors, above: 5 }",
                "phases:",
                "  - { name: first, flags: { cli_gate_a: on }, gate: manual }",
                "  - { name: second, flags: { cli_gate_b: 25% }, bake: 1h }");
        String id = started("gate.yaml");
        await(id, phase(0, "PHASE_BAKING"));
        assertThat(admin.run("rollout", "get", id).out()).contains("waiting at its manual gate: ulidmesh rollout promote " + id);

        Cli.Run promote = admin.run("rollout", "promote", id, "--reason", "looks good");
        assertThat(promote.code()).as(promote.toString()).isZero();
        assertThat(promote.out()).startsWith("rollout " + id + " (cli-gate) is RUNNING");
        await(id, phase(1, "PHASE_BAKING"));
        assertThat(admin.run("rollout", "pause", id, "--reason", "hold", "-o", "json").json().get("state").getAsString()).isEqualTo("PAUSED");
        assertThat(admin.run("rollout", "resume", id, "--reason", "go on", "-o", "json").json().get("state").getAsString())
                .isEqualTo("RUNNING");

        JsonObject breach = admin.run("rollout", "signal", "cli_gate_errors", "9", "--rollout", id, "-o", "json").json();
        assertThat(breach.getAsJsonArray("rollbacksTriggered").asList()).map(JsonElement::getAsString).containsExactly(id);
        JsonObject rolledBack = await(id, state("ROLLED_BACK"));
        assertThat(rolledBack.get("lastReason").getAsString()).contains("cli_gate_errors");
        assertThat(admin.run("flags", "get", "cli_gate_b").code()).isEqualTo(1);
        assertThat(admin.run("flags", "get", "cli_gate_a", "-o", "json").json().get("basisPoints").getAsInt()).isEqualTo(10_000);

        Cli.Run abort = admin.run("rollout", "abort", id, "--reason", "stop here");
        assertThat(abort.out()).contains("is ABORTED");
        assertThat(admin.run("flags", "get", "cli_gate_a").err()).startsWith("NOT_FOUND");
        Cli.Run again = admin.run("rollout", "pause", id, "--reason", "too late");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).startsWith("FAILED_PRECONDITION: ").contains("ABORTED").endsWith("(ulidmesh rollout get ID)\n");
    }

    @Test
    void emergencyRollbackAbortsEveryActiveRolloutAndPrintsEachFlagBeforeAndAfter() throws Exception {
        assertThat(admin.run("flags", "set", "cli_em_a", "--off", "--reason", "exists before").code()).isZero();
        plan("em1.yaml", "name: cli-em-one", "phases:", "  - { name: canary, flags: { cli_em_a: 10% }, gate: manual }");
        plan("em2.yaml", "name: cli-em-two", "phases:", "  - { name: all, flags: { cli_em_b: on }, gate: manual }");
        String one = started("em1.yaml");
        String two = started("em2.yaml");
        await(one, phase(0, "PHASE_BAKING"));
        await(two, phase(0, "PHASE_BAKING"));

        Cli.Run run = admin.run("rollout", "emergency-rollback", "--reason", "incident 42", "-o", "json");
        assertThat(run.code()).as(run.toString()).isZero();
        Map<String, JsonObject> byId = new HashMap<>();
        run.json().getAsJsonArray("rollouts").forEach(e -> byId.put(e.getAsJsonObject().get("id").getAsString(), e.getAsJsonObject()));
        assertThat(byId).containsKeys(one, two);
        JsonObject a = byId.get(one);
        assertThat(a.get("stateBefore").getAsString()).isEqualTo("RUNNING");
        assertThat(a.getAsJsonObject("after").get("state").getAsString()).isEqualTo("ABORTED");
        assertThat(a.getAsJsonObject("after").get("lastReason").getAsString()).contains("emergency rollback: incident 42");
        JsonObject flagA = a.getAsJsonArray("flags").get(0).getAsJsonObject();
        assertThat(flagA.get("name").getAsString()).isEqualTo("cli_em_a");
        assertThat(flagA.getAsJsonObject("before").get("basisPoints").getAsInt()).isEqualTo(1000);
        assertThat(flagA.getAsJsonObject("after").get("basisPoints").getAsInt()).isZero();
        JsonObject flagB = byId.get(two).getAsJsonArray("flags").get(0).getAsJsonObject();
        assertThat(flagB.getAsJsonObject("before").get("basisPoints").getAsInt()).isEqualTo(10_000);
        assertThat(flagB.get("after").isJsonNull()).isTrue();

        Cli.Run nothing = admin.run("rollout", "emergency-rollback", "--reason", "again");
        assertThat(nothing.code()).isZero();
        assertThat(nothing.out()).doesNotContain(one).doesNotContain(two);
    }

    @Test
    void emergencyRollbackPrintsEachChangeAsText() throws Exception {
        plan("em3.yaml", "name: cli-em-three", "phases:", "  - { name: only, flags: { cli_em_c: 30% }, gate: manual }");
        String id = started("em3.yaml");
        await(id, phase(0, "PHASE_BAKING"));
        Cli.Run run = admin.run("rollout", "emergency-rollback", "--reason", "pager");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("rollout " + id + " (cli-em-three): RUNNING → ABORTED")
                .contains("  flag cli_em_c: 30% (v1) → absent");
    }

    @Test
    void aDryRunChecksReadinessAndShowsEachChangeWithoutMakingIt() {
        plan("dry.yaml", "name: cli-dry", "phases:",
                "  - { name: one, flags: { cli_dry: 20% } }",
                "  - name: two",
                "    migrations: [ { target: session-buddy, table: events, key: id, ulid_column: dry_ulid } ]");
        // Readiness wants every flag of the plan known to flag-service.
        assertThat(admin.run("flags", "set", "cli_dry", "--off", "--reason", "declared").code()).isZero();
        int before = admin.run("rollout", "list", "-o", "json").json().getAsJsonArray("rollouts").size();
        Cli.Run ready = admin.run("rollout", "start", "dry.yaml", "--dry-run", "-o", "json");
        assertThat(ready.code()).as(ready.toString()).isZero();
        assertThat(ready.json().getAsJsonObject("readiness").get("ready").getAsBoolean()).isTrue();
        assertThat(ready.json().getAsJsonObject("currentFlags").getAsJsonObject("cli_dry").get("basisPoints").getAsInt()).isZero();
        Cli.Run text = admin.run("rollout", "start", "dry.yaml", "--dry-run");
        assertThat(text.out()).contains("nothing is changed").contains("flag cli_dry: off (v1) → 20%")
                .contains("migration session-buddy.events: add dry_ulid keyed by id, steps expand, backfill, validate").startsWith("dry run");
        assertThat(admin.run("rollout", "list", "-o", "json").json().getAsJsonArray("rollouts").size()).isEqualTo(before);
        assertThat(admin.run("flags", "get", "cli_dry", "-o", "json").json().get("version").getAsString()).isEqualTo("1");

        plan("unready.yaml", "name: cli-unready", "phases:",
                "  - name: one",
                "    migrations: [ { target: nowhere, table: t, key: id, ulid_column: u } ]");
        Cli.Run unready = admin.run("rollout", "start", "unready.yaml", "--dry-run");
        assertThat(unready.code()).isEqualTo(1);
        assertThat(unready.out()).contains("NOT ready").containsPattern("nowhere.*FAILED|FAILED.*nowhere");
        assertThat(unready.err()).contains("unready.yaml: not ready to start");
        Cli.Run check = admin.run("rollout", "readiness", "--file", "unready.yaml");
        assertThat(check.code()).isEqualTo(1);
        assertThat(check.out()).startsWith("NOT ready");
    }

    @Test
    void aViewerPreviewsAPlanAndNothingChanges() {
        plan("preview.yaml", "name: cli-preview", "phases:",
                "  - { name: one, flags: { cli_preview: 20%, cli_preview_new: on } }",
                "  - name: two",
                "    flags: { cli_preview: 50% }",
                "    migrations: [ { target: session-buddy, table: events, key: id, ulid_column: preview_ulid, steps: [expand] } ]");
        assertThat(admin.run("flags", "set", "cli_preview", "--off", "--reason", "declared").code()).isZero();
        int before = admin.run("rollout", "list", "-o", "json").json().getAsJsonArray("rollouts").size();
        Cli viewer = new Cli(mesh.environment("viewer"), plans);

        Cli.Run text = viewer.run("rollout", "preview", "preview.yaml");
        // cli_preview_new does not exist yet: readiness fails, so exit 1
        assertThat(text.code()).as(text.toString()).isEqualTo(1);
        assertThat(text.out()).startsWith("preview of cli-preview: nothing is changed")
                .contains("phase one\n  flag cli_preview: off (v1) → 20%\n  flag cli_preview_new: absent → on\n")
                .contains("phase two\n  flag cli_preview: 20% (by phase one) → 50%\n"
                        + "  migration session-buddy.events: steps expand; rows: 2500, to backfill: 2500, estimate: ")
                .contains("NOT ready");
        JsonObject json = viewer.run("rollout", "preview", "preview.yaml", "-o", "json").json();
        assertThat(json.getAsJsonArray("phases").get(1).getAsJsonObject().getAsJsonArray("flags").get(0).getAsJsonObject()
                .get("setByPhase").getAsString()).isEqualTo("one");
        JsonObject migration = json.getAsJsonArray("phases").get(1).getAsJsonObject().getAsJsonArray("migrations").get(0).getAsJsonObject();
        assertThat(migration.getAsJsonObject("backfill").get("rows").getAsLong()).isEqualTo(2500);
        assertThat(migration.getAsJsonObject("backfill").get("rowsToBackfill").getAsLong()).isEqualTo(2500);

        assertThat(admin.run("rollout", "list", "-o", "json").json().getAsJsonArray("rollouts").size()).isEqualTo(before);
        assertThat(admin.run("flags", "get", "cli_preview", "-o", "json").json().get("version").getAsString()).isEqualTo("1");
        assertThat(admin.run("flags", "get", "cli_preview_new").code()).isEqualTo(1);
    }

    @Test
    void aViewerCannotStartARollout() {
        plan("viewer.yaml", "name: cli-viewer", "phases:", "  - { name: one, flags: { cli_viewer: on } }");
        Cli viewer = new Cli(mesh.environment("viewer"), plans);
        Cli.Run run = viewer.run("rollout", "start", "viewer.yaml");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("PERMISSION_DENIED: ").contains("CreateRollout needs role operator");
        assertThat(viewer.run("rollout", "list").code()).isZero();
    }
}
