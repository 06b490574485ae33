package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.ulidmesh.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code migrate} against the real migration-worker changing a real PostgreSQL target. */
class MigrateCommandsIT {
    private static TestMesh mesh;
    private static Cli admin;
    private static String target;

    @BeforeAll
    static void start() {
        mesh = TestMesh.get();
        admin = mesh.admin(Cli.emptyDirectory());
        target = mesh.targetDatabase("cli_target",
                "CREATE TABLE jobs (id bigint PRIMARY KEY, legacy_id text NOT NULL)",
                "INSERT INTO jobs SELECT g, 'job-' || g FROM generate_series(1, 3000) g",
                "CREATE TABLE runs (id bigint PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO runs SELECT g, 'run-' || g FROM generate_series(1, 2000) g");
        Cli.Run registered = admin.run("migrate", "register-target", "crackerjack", "--jdbc-url", target, "--username", TestPostgres.user());
        assertThat(registered.code()).as(registered.toString()).isZero();
    }

    private static long count(String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(target, TestPostgres.user(), TestPostgres.password());
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static String create(String table, String key, String ulidColumn, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("migrate", "create", "-o", "json", "--name", "cli-" + table,
                "--target", "crackerjack", "--table", table, "--key", key, "--ulid-column", ulidColumn));
        args.addAll(List.of(more));
        Cli.Run run = admin.run(args.toArray(String[]::new));
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.json().get("state").getAsString()).isEqualTo("CREATED");
        return run.json().get("id").getAsString();
    }

    @Test
    void targetsListsTheRegisteredDatabaseWithoutItsPassword() {
        JsonObject t = admin.run("migrate", "targets", "-o", "json").json().getAsJsonArray("targets").asList().stream()
                .map(e -> e.getAsJsonObject()).filter(o -> o.get("name").getAsString().equals("crackerjack")).findFirst().orElseThrow();
        assertThat(t.get("dialect").getAsString()).isEqualTo("POSTGRESQL");
        assertThat(t.get("jdbcUrl").getAsString()).isEqualTo(target);
        assertThat(t.has("password")).isFalse();
        assertThat(admin.run("migrate", "targets").out()).containsPattern("crackerjack +POSTGRESQL");
    }

    @Test
    void aWholeMigrationStepByStepWithTheProgressFollowedLive() throws SQLException {
        String id = create("jobs", "id", "job_ulid", "--legacy-column", "legacy_id", "--batch-size", "250",
                "--max-rows-per-second", "1500");
        Cli.Run plan = admin.run("migrate", "plan", id);
        assertThat(plan.out()).contains("expand:").contains("job_ulid").contains("rollback:")
                .containsPattern("rows: (\\d+), to backfill: \\1, estimate: \\d+ s at \\d+ rows/s \\((throttle|observed: .+)\\)");
        assertThat(admin.run("migrate", "plan", id, "-o", "json").json().getAsJsonArray("steps").get(0).getAsJsonObject()
                .get("step").getAsString()).isEqualTo("expand");

        Cli.Run outOfOrder = admin.run("migrate", "contract", id);
        assertThat(outOfOrder.code()).isEqualTo(1);
        assertThat(outOfOrder.err()).startsWith("FAILED_PRECONDITION: ").endsWith("(ulidmesh migrate status ID)\n");

        assertThat(admin.run("migrate", "expand", id).out()).containsPattern("state +EXPANDED");
        assertThat(admin.run("migrate", "backfill", id, "--reason", "cli test", "-o", "json").json().get("state").getAsString())
                .isEqualTo("BACKFILLING");

        // Piped (no console): a progress line at most once a second, until the backfill rests.
        Cli.Run watch = admin.run("migrate", "status", id, "--watch");
        assertThat(watch.code()).as(watch.toString()).isZero();
        List<String> progress = watch.lines().stream().filter(l -> l.contains(" rows")).toList();
        assertThat(progress).as(watch.out()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(progress).anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d  \\[[█░]{30}] +\\d+%  [\\d,]+/3,000 rows.*BACKFILLING"));
        assertThat(watch.out()).doesNotContain("\u001b[").contains("migration " + id + " is BACKFILLED");
        assertThat(count("SELECT count(*) FROM jobs WHERE job_ulid IS NULL")).isZero();

        Cli.Run validate = admin.run("migrate", "validate", id);
        assertThat(validate.code()).as(validate.toString()).isZero();
        assertThat(validate.out()).containsPattern("result +PASSED").containsPattern("valid +3000");
        assertThat(admin.run("migrate", "status", id, "-o", "json").json().get("state").getAsString()).isEqualTo("VALIDATED");
        assertThat(admin.run("migrate", "contract", id).out()).containsPattern("state +CONTRACTED");
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'jobs' AND column_name = 'legacy_id'"))
                .isZero();
        assertThat(admin.run("migrate", "list", "--target", "crackerjack").out()).containsPattern(id + " +cli-jobs +crackerjack.jobs +CONTRACTED");
    }

    @Test
    void pauseResumeAndRollbackWithTheProgressAsJsonLines() throws SQLException {
        String id = create("runs", "id", "run_ulid", "--batch-size", "100", "--max-rows-per-second", "400");
        admin.run("migrate", "expand", id);
        admin.run("migrate", "backfill", id);
        Cli.Run paused = admin.run("migrate", "pause", id, "-o", "json");
        assertThat(paused.json().get("state").getAsString()).isEqualTo("PAUSED");
        assertThat(admin.run("migrate", "resume", id, "-o", "json").json().get("state").getAsString()).isEqualTo("BACKFILLING");

        Cli.Run watch = admin.run("migrate", "status", id, "--watch", "-o", "json");
        assertThat(watch.code()).as(watch.toString()).isZero();
        List<JsonObject> lines = watch.jsonLines();
        assertThat(lines.get(0).getAsJsonObject("migration").get("id").getAsString()).isEqualTo(id);
        assertThat(lines.subList(0, lines.size() - 1)).allMatch(l -> l.has("migration"));
        JsonObject last = lines.get(lines.size() - 1).getAsJsonObject("final");
        assertThat(last.get("state").getAsString()).isEqualTo("BACKFILLED");
        assertThat(last.get("rowsBackfilled").getAsString()).isEqualTo("2000");

        Cli.Run noReason = admin.run("migrate", "rollback", id);
        assertThat(noReason.code()).isEqualTo(1);
        assertThat(noReason.err()).startsWith("INVALID_ARGUMENT: reason is required for Rollback");
        assertThat(admin.run("migrate", "rollback", id, "--reason", "cli test done").out()).containsPattern("state +ROLLED_BACK");
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'runs' AND column_name = 'run_ulid'"))
                .isZero();
    }

    @Test
    void registeringATargetNeedsRoleAdmin() {
        Cli operator = new Cli(mesh.environment("operator"), Cli.emptyDirectory());
        Cli.Run run = operator.run("migrate", "register-target", "elsewhere", "--jdbc-url", target);
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("PERMISSION_DENIED: ").contains("RegisterTarget needs role admin").contains("use a token with role admin");
    }
}
