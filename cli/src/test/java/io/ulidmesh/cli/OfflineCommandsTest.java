package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the CLI does without a service: usage errors (exit 2), help, completion, offline lint. */
class OfflineCommandsTest {
    private static final Path PLANS = Path.of("..", "deploy", "plans").toAbsolutePath().normalize();
    private final Cli cli = new Cli(Map.of(), Cli.emptyDirectory());

    @Test
    void helpListsEveryCommandGroupAndTheExitCodes() {
        Cli.Run run = cli.run("--help");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("rollout", "flags", "migrate", "ulid", "completion")
                .contains("Exit codes: 0 success; 1").contains("ULIDMESH_CONTROLLER_ADDR");
        assertThat(cli.run("rollout", "emergency-rollback", "--help").out()).contains("Usage: ulidmesh rollout emergency-rollback [OPTIONS]")
                .contains("--reason=TEXT").contains("Global options");
    }

    @Test
    void badUsageExitsTwoAndSaysWhat() {
        Cli.Run noReason = cli.run("rollout", "pause", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
        assertThat(noReason.code()).isEqualTo(2);
        assertThat(noReason.err()).contains("Missing required option: '--reason=TEXT'");
        assertThat(cli.run("rollout", "explode").code()).isEqualTo(2);
        assertThat(cli.run("-o", "yaml", "flags", "list").err()).contains("Invalid value for option '--output'");
        Cli.Run twoValues = cli.run("flags", "set", "x", "--on", "--percent", "5", "--reason", "r");
        assertThat(twoValues.code()).isEqualTo(2);
        assertThat(twoValues.err()).contains("mutually exclusive");
        Cli.Run noValue = cli.run("flags", "set", "x", "--reason", "r");
        assertThat(noValue.code()).isEqualTo(2);
        assertThat(noValue.err()).contains("--on | --off | --percent=P");
    }

    @Test
    void unusableSettingsAreUsageErrorsNamingTheSetting() {
        Cli.Run address = cli.run("ulid", "stats", "--controller", "no-port-here");
        assertThat(address.code()).isEqualTo(2);
        assertThat(address.err()).contains("--controller: 'no-port-here' is not HOST:PORT");
        Cli.Run fromEnv = new Cli(Map.of("ULIDMESH_FLAGS_ADDR", "localhost:99999"), Cli.emptyDirectory()).run("flags", "list");
        assertThat(fromEnv.code()).isEqualTo(2);
        assertThat(fromEnv.err()).contains("ULIDMESH_FLAGS_ADDR: 'localhost:99999' is not HOST:PORT");
        Cli.Run token = cli.run("flags", "list", "--token-file", "/nonexistent/admin.jwt");
        assertThat(token.code()).isEqualTo(2);
        assertThat(token.err()).contains("--token-file: cannot read the token file /nonexistent/admin.jwt (no such file)");
        Cli.Run certWithoutKey = cli.run("flags", "list", "--tls-cert", PLANS.resolve("otp-refactor.yaml").toString());
        assertThat(certWithoutKey.code()).isEqualTo(2);
        assertThat(certWithoutKey.err()).contains("--tls-cert and --tls-key");
    }

    @Test
    void completionIsGeneratedFromTheCommandsForBashAndRefusedForOtherShells() {
        Cli.Run bash = cli.run("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_ulidmesh")
                .contains("emergency-rollback").contains("register-target").contains("--watch").contains("--token-file");
        Cli.Run fish = cli.run("completion", "fish");
        assertThat(fish.code()).isEqualTo(2);
        assertThat(fish.err()).contains("not 'fish'");
    }

    @Test
    void lintAcceptsTheSeedPlansAndDescribesThem() {
        Cli.Run text = cli.run("rollout", "lint", PLANS.resolve("ulid-ecosystem.yaml").toString());
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).contains("plan ulid-ecosystem is valid: 6 phases")
                .contains("migrate crackerjack.jobs.job_ulid (expand, backfill, validate)");
        Cli.Run json = cli.run("rollout", "lint", "-o", "json", PLANS.resolve("otp-refactor.yaml").toString());
        assertThat(json.code()).isZero();
        JsonObject result = json.json();
        assertThat(result.get("valid").getAsBoolean()).isTrue();
        assertThat(result.getAsJsonArray("problems")).isEmpty();
        JsonArray phases = result.getAsJsonObject("plan").getAsJsonArray("phases");
        assertThat(phases).hasSize(6);
        assertThat(phases.get(3).getAsJsonObject().getAsJsonObject("flags").get("use_v2_coordinator").getAsString()).isEqualTo("10%");
        assertThat(phases.get(3).getAsJsonObject().get("manualGate").getAsBoolean()).isTrue();
    }

    @Test
    void lintReportsEveryProblemWithItsLine() throws IOException {
        Path dir = Cli.emptyDirectory();
        Files.writeString(dir.resolve("broken.yaml"), String.join("\n",
                "name: broken",
                "signals:",
                "  - { name: errors, source: push }",
                "rollback:",
                "  - { signal: nowhere, above: 5 }",
                "phases:",
                "  - name: one",
                "    flags: { a_flag: 200% }",
                "    bake: forever",
                "    colour: blue",
                ""));
        Cli cliInDir = new Cli(Map.of(), dir);
        Cli.Run text = cliInDir.run("rollout", "lint", "broken.yaml");
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.out()).contains("broken.yaml:5: ").contains("broken.yaml:8: ").contains("broken.yaml:9: ").contains("broken.yaml:10: ");
        assertThat(text.err()).contains("broken.yaml: 4 problems");
        JsonObject json = cliInDir.run("-o", "json", "rollout", "lint", "broken.yaml").json();
        assertThat(json.get("valid").getAsBoolean()).isFalse();
        List<Integer> lines = json.getAsJsonArray("problems").asList().stream().map(p -> p.getAsJsonObject().get("line").getAsInt()).toList();
        assertThat(lines).containsExactly(5, 8, 9, 10);
        assertThat(json.getAsJsonArray("problems").get(0).getAsJsonObject().get("message").getAsString()).contains("nowhere");
        Cli.Run missing = cliInDir.run("rollout", "lint", "absent.yaml");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read the plan absent.yaml: no such file");
    }

    @Test
    void startRefusesAPlanWithProblemsBeforeCallingAnyService() throws IOException {
        Path dir = Cli.emptyDirectory();
        Files.writeString(dir.resolve("plan.yaml"), "name: x\nphases: []\nextra: 1\n");
        // The controller address is unused: nothing is sent.
        Cli.Run run = new Cli(Map.of("ULIDMESH_CONTROLLER_ADDR", "127.0.0.1:9"), dir).run("rollout", "start", "plan.yaml");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("plan.yaml:3: ");
        assertThat(run.err()).contains("nothing was started");
    }
}
