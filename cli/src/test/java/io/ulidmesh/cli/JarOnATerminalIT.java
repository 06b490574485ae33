package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.testsupport.TestPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built jar, target/ulidmesh.jar, as a user runs it: on a terminal (a pty made by util-linux
 * {@code script}) the live views redraw in place with ANSI codes; piped, they append plain lines.
 * And {@code ./mesh} passes its commands to the jar.
 */
class JarOnATerminalIT {
    private static final Path JAR = Path.of("target", "ulidmesh.jar").toAbsolutePath();
    private static TestMesh mesh;
    private static Cli admin;
    private static Path plans;

    @BeforeAll
    static void start() {
        assertThat(JAR).as("the jar is built by mvn package").exists();
        mesh = TestMesh.get();
        plans = Cli.emptyDirectory();
        admin = mesh.admin(plans);
        String target = mesh.targetDatabase("cli_tty_target",
                "CREATE TABLE a AS SELECT g::bigint AS id FROM generate_series(1, 1500) g", "ALTER TABLE a ADD PRIMARY KEY (id)",
                "CREATE TABLE b AS SELECT * FROM a", "ALTER TABLE b ADD PRIMARY KEY (id)",
                "CREATE TABLE c AS SELECT * FROM a", "ALTER TABLE c ADD PRIMARY KEY (id)");
        assertThat(admin.run("migrate", "register-target", "tty", "--jdbc-url", target, "--username", TestPostgres.user()).code()).isZero();
    }

    record Result(int code, String out) {
    }

    /** Runs {@code command} with the mesh's environment, on a pty when {@code terminal}, else with stdout a pipe. */
    static Result run(boolean terminal, List<String> command) throws IOException, InterruptedException {
        List<String> line = terminal
                ? List.of("script", "-qfec", command.stream().map(JarOnATerminalIT::quote).collect(Collectors.joining(" ")), "/dev/null")
                : command;
        ProcessBuilder builder = new ProcessBuilder(line).directory(plans.toFile()).redirectErrorStream(true)
                .redirectInput(new File("/dev/null"));
        builder.environment().putAll(mesh.environment("admin"));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    static List<String> jar(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static String startRollout(String name, String table) throws IOException {
        Files.writeString(plans.resolve(name + ".yaml"), String.join("\n",
                "name: " + name,
                "phases:",
                "  - { name: flags, flags: { " + name.replace('-', '_') + ": 25% }, bake: 2s }",
                "  - name: migrate",
                "    migrations:",
                "      - { target: tty, table: " + table + ", key: id, ulid_column: u, batch_size: 100, max_rows_per_second: 600 }",
                ""));
        Cli.Run run = admin.run("rollout", "start", name + ".yaml", "-o", "json");
        assertThat(run.code()).as(run.toString()).isZero();
        return run.json().get("id").getAsString();
    }

    @Test
    void onATerminalTheRolloutTreeIsRedrawnInPlace() throws Exception {
        String id = startRollout("tty-live", "a");
        Result r = run(true, jar("rollout", "get", id, "--watch"));
        Files.writeString(Path.of("target", "tty-rollout-watch.txt"), r.out());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains(Screen.CLEAR_SCREEN).contains(Screen.HOME).contains(Screen.CLEAR_LINE);
        // Redrawn many times, not appended: one screen clear, many returns home.
        assertThat(r.out().split("\u001b\\[H", -1).length - 1).isGreaterThan(3);
        assertThat(r.out().split("\u001b\\[2J", -1).length - 1).isEqualTo(1);
        assertThat(r.out()).contains("├─ ✓ flags").contains("└─ ✓ migrate").contains("flag tty_live → 25%").contains("█")
                .contains("latest events").contains("rollout " + id + " is COMPLETED");
    }

    @Test
    void pipedOrWithPlainTheRolloutViewIsPlainLines() throws Exception {
        String id = startRollout("tty-piped", "b");
        Result piped = run(false, jar("rollout", "get", id, "--watch"));
        Files.writeString(Path.of("target", "piped-rollout-watch.txt"), piped.out());
        assertThat(piped.code()).as(piped.out()).isZero();
        assertThat(piped.out()).doesNotContain("\u001b[").contains("phase flags BAKING").contains("phase migrate COMPLETED")
                .contains("flag tty_piped now 25% (v1)").contains("rollout " + id + " is COMPLETED");
        Result plain = run(true, jar("rollout", "get", id, "--watch", "--plain"));
        assertThat(plain.code()).isZero();
        assertThat(plain.out()).doesNotContain("\u001b[H").contains("rollout " + id + " is COMPLETED");
    }

    @Test
    void migrateStatusWatchShowsTheSameProgressBarOnATerminal() throws Exception {
        Cli.Run created = admin.run("migrate", "create", "-o", "json", "--name", "tty-c", "--target", "tty", "--table", "c", "--key", "id",
                "--ulid-column", "u", "--batch-size", "100", "--max-rows-per-second", "500");
        String id = created.json().get("id").getAsString();
        admin.run("migrate", "expand", id);
        admin.run("migrate", "backfill", id);
        Result r = run(true, jar("migrate", "status", id, "--watch"));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains(Screen.HOME).contains(Screen.CLEAR_SCREEN).containsPattern("\\[[█░]{30}] +\\d+%  [\\d,]+/1,500 rows")
                .contains("migration " + id + " is BACKFILLED");
    }

    @Test
    void theMeshLauncherPassesCommandsToTheJar() throws Exception {
        Path launcher = Path.of("..", "mesh").toAbsolutePath().normalize();
        Files.writeString(plans.resolve("launcher.yaml"), "name: launcher\nphases:\n  - { name: one, flags: { launcher: on } }\n");
        // The file is the caller's: the launcher runs the jar in the caller's folder.
        Result lint = run(false, List.of(launcher.toString(), "rollout", "lint", "launcher.yaml"));
        assertThat(lint.code()).as(lint.out()).isZero();
        assertThat(lint.out()).contains("launcher.yaml: plan launcher is valid");
        Files.writeString(plans.resolve("broken.yaml"), "name: broken\nphases:\n  - { name: one, flags: { x: lots } }\n");
        Result broken = run(false, List.of(launcher.toString(), "rollout", "lint", "broken.yaml"));
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("broken.yaml:3: phases[0].flags.x: 'lots' is not on, off or a percentage");
        Result generate = run(false, List.of(launcher.toString(), "ulid", "generate", "2"));
        assertThat(generate.code()).as(generate.out()).isZero();
        assertThat(generate.out().strip().lines()).hasSize(2).allMatch(u -> u.length() == 26);
        Result usage = run(false, List.of(launcher.toString(), "flags", "set", "x"));
        assertThat(usage.code()).isEqualTo(2);
    }
}
