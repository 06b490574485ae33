package io.ulidmesh.rollout.it;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.rollout.v1.CheckReadinessRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.ReadinessCheck;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the two plans of deploy/plans/ (the ULID ecosystem rollout and the OTP refactor) through
 * the real controller, flag service, migration worker and Prometheus. Only bakes (to 200ms) and
 * intervals (to 1s, the shortest a plan may have) are shortened, and the resolution service's address is the flag service's,
 * a real grpc.health.v1 server; everything else is the files as written.
 */
class DeployPlansIT {
    static final List<AutoCloseable> CLEANUP = new ArrayList<>();
    static final List<String> DATABASES = new ArrayList<>();
    static ServiceProcess flagService;
    static ServiceProcess worker;
    static ServiceProcess controller;
    static PrometheusProcess prometheus;
    static final List<ManagedChannel> CHANNELS = new ArrayList<>();
    static FlagServiceGrpc.FlagServiceBlockingStub flags;
    static MigrationServiceGrpc.MigrationServiceBlockingStub migrations;
    static RolloutServiceGrpc.RolloutServiceBlockingStub rollouts;
    static Path dir;
    static String akoshaUrl;

    @BeforeAll
    static void start() throws Exception {
        String flagsDb = database("flags");
        flagService = ServiceProcess.start("flag-service", flagsDb, Map.of());
        CLEANUP.add(flagService);
        dir = Files.createTempDirectory("ulidmesh-plans");
        // the worker reaches only the targets' folder and the tests' PostgreSQL server
        worker = ServiceProcess.start("migration-worker", database("worker"), Map.of(
                "ulidmesh.migration.allowed-paths", dir.toString(),
                "ulidmesh.migration.allowed-hosts", URI.create(flagsDb.substring("jdbc:".length())).getAuthority()));
        CLEANUP.add(worker);
        prometheus = PrometheusProcess.scraping("flag-service", flagService.address());
        CLEANUP.add(prometheus);
        controller = ServiceProcess.start("rollout-controller", database("controller"), Map.of(
                "ulidmesh.rollout.flag-service", flagService.address(),
                "ulidmesh.rollout.migration-worker", worker.address(),
                "ulidmesh.rollout.prometheus-url", prometheus.url()));
        CLEANUP.add(controller);
        flags = FlagServiceGrpc.newBlockingStub(channel(flagService.port()));
        migrations = MigrationServiceGrpc.newBlockingStub(channel(worker.port()));
        // Ecosystem traffic: services evaluating flags all along, so the error-rate query has calls to divide by.
        var evaluator = FlagServiceGrpc.newBlockingStub(channel(flagService.port()));
        Thread traffic = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    evaluator.evaluate(EvaluateRequest.newBuilder().setFlag("use_v2_coordinator").setEntityId("coordinator-7").build());
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (StatusRuntimeException e) {
                    // the flag service is going away at the end of the class
                }
            }
        }, "flag-traffic");
        traffic.setDaemon(true);
        traffic.start();
        CLEANUP.add(traffic::interrupt);
        rollouts = RolloutServiceGrpc.newBlockingStub(channel(controller.port()));

        String crackerjack = "jdbc:sqlite:" + dir.resolve("crackerjack.db");
        seed(DriverManager.getConnection(crackerjack), "CREATE TABLE jobs (id INTEGER PRIMARY KEY, test_file TEXT NOT NULL)",
                "INSERT INTO jobs (id, test_file) VALUES (?, ?)");
        String sessionBuddy = "jdbc:duckdb:" + dir.resolve("session_buddy.duckdb");
        seed(DriverManager.getConnection(sessionBuddy), "CREATE TABLE sessions (id INTEGER PRIMARY KEY, project_name VARCHAR NOT NULL)",
                "INSERT INTO sessions (id, project_name) VALUES (?, ?)");
        akoshaUrl = database("akosha");
        seed(DriverManager.getConnection(akoshaUrl, TestPostgres.user(), TestPostgres.password()),
                "CREATE TABLE entities (id bigint PRIMARY KEY, entity_type text NOT NULL)", "INSERT INTO entities (id, entity_type) VALUES (?, ?)");
        migrations.registerTarget(RegisterTargetRequest.newBuilder().setName("crackerjack").setJdbcUrl(crackerjack).build());
        migrations.registerTarget(RegisterTargetRequest.newBuilder().setName("session-buddy").setJdbcUrl(sessionBuddy).build());
        migrations.registerTarget(RegisterTargetRequest.newBuilder().setName("akosha").setJdbcUrl(akoshaUrl)
                .setUsername(TestPostgres.user()).setPassword(TestPostgres.password()).build());
    }

    @AfterAll
    static void stop() throws Exception {
        CHANNELS.forEach(ManagedChannel::shutdownNow);
        for (int i = CLEANUP.size() - 1; i >= 0; i--) {
            CLEANUP.get(i).close();
        }
        DATABASES.forEach(TestPostgres::dropDatabase);
    }

    static io.grpc.Channel channel(int port) {
        ManagedChannel ch = TestChannels.to(port);
        CHANNELS.add(ch);
        return TestChannels.as(ch, "release-manager");
    }

    static String database(String purpose) {
        String url = TestPostgres.createDatabase("rollout_plans_" + purpose);
        DATABASES.add(url);
        return url;
    }

    static void seed(Connection c, String create, String insert) throws Exception {
        try (c; Statement s = c.createStatement()) {
            s.execute(create);
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (int i = 1; i <= 300; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "row-" + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /** The plan file with short bakes and intervals, and the resolution service's address replaced. */
    static String plan(String file) throws Exception {
        return Files.readString(Path.of("..", "deploy", "plans", file))
                .replaceAll("(?m)^(\\s*bake: )\\S+", "$1200ms")
                .replaceAll("(?m)^interval: \\S+", "interval: 1s")
                .replace("localhost:8681", flagService.address());
    }

    /** Polls the rollout, passing each manual gate it waits at, until {@code done}. */
    static Rollout drive(String id, Predicate<Rollout> done) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        Rollout r = null;
        while (System.nanoTime() < deadline) {
            r = rollouts.getRollout(GetRolloutRequest.newBuilder().setId(id).build());
            if (done.test(r)) {
                return r;
            }
            if (r.getState() == RolloutState.RUNNING && r.getCurrentPhase() >= 0) {
                Phase p = r.getPhases(r.getCurrentPhase());
                if (p.getManualGate() && p.getState() == PhaseState.PHASE_BAKING) {
                    rollouts.promoteRollout(RolloutActionRequest.newBuilder().setId(id).setReason("gate review passed").build());
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("rollout " + id + " never reached the condition; last: " + r);
    }

    static int basisPoints(String flag) {
        return flags.getFlag(GetFlagRequest.newBuilder().setName(flag).build()).getBasisPoints();
    }

    static boolean hasColumn(Connection c, String table, String column) throws Exception {
        try (c; ResultSet rs = c.getMetaData().getColumns(null, null, table, column)) {
            return rs.next();
        }
    }

    @Test
    void theUlidEcosystemPlanRunsAcrossFlagsAndSqliteDuckDbAndPostgresMigrationsThenAbortsCleanly() throws Exception {
        String yaml = plan("ulid-ecosystem.yaml");
        ReadinessReport readiness = rollouts.checkReadiness(CheckReadinessRequest.newBuilder().setPlanYaml(yaml).build());
        assertThat(readiness.getChecksList()).extracting(ReadinessCheck::getName).contains("service flag-service healthy",
                "service migration-worker healthy", "target crackerjack known", "target session-buddy known", "target akosha known",
                "signal resolution_service_up answering");
        assertThat(readiness.getChecksList()).filteredOn(c -> c.getName().startsWith("target") || c.getName().startsWith("service"))
                .allMatch(ReadinessCheck::getPassed);
        // the ecosystem's flags do not exist yet: readiness says so
        assertThat(readiness.getChecksList()).filteredOn(c -> c.getName().equals("flag ulid_resolution known"))
                .singleElement().satisfies(c -> assertThat(c.getPassed()).isFalse());

        Rollout r = rollouts.createRollout(CreateRolloutRequest.newBuilder().setPlanYaml(yaml).setStart(true).build());
        Rollout done = drive(r.getId(), x -> x.getState() == RolloutState.COMPLETED || x.getState() == RolloutState.ROLLED_BACK
                || x.getState() == RolloutState.FAILED);
        assertThat(done.getState()).as(done.getLastReason()).isEqualTo(RolloutState.COMPLETED);
        for (String flag : List.of("ulid_resolution", "ulid_workflow_tracking", "crackerjack_ulid_job_ids",
                "session_buddy_ulid_sessions", "akosha_ulid_entities", "cross_system_resolution")) {
            assertThat(basisPoints(flag)).as(flag).isEqualTo(10_000);
        }
        List<String> migrationIds = new ArrayList<>();
        for (Phase p : done.getPhasesList()) {
            for (PhaseMigration m : p.getMigrationsList()) {
                var migration = migrations.getMigration(GetMigrationRequest.newBuilder().setId(m.getMigrationId()).build());
                assertThat(migration.getState()).as(m.getTarget()).isEqualTo(MigrationState.VALIDATED);
                assertThat(migration.getRowsBackfilled()).as(m.getTarget()).isEqualTo(300);
                migrationIds.add(m.getMigrationId());
            }
        }
        assertThat(migrationIds).hasSize(3);
        assertThat(hasColumn(DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("crackerjack.db")), "jobs", "job_ulid")).isTrue();

        // a collision report after completion changes nothing; an abort undoes every phase, migrations included
        assertThat(rollouts.reportSignal(ReportSignalRequest.newBuilder().setName("ulid_collision_rate").setValue(0.5).build())
                .getRollbacksTriggeredList()).isEmpty();
        Rollout aborted = rollouts.abortRollout(RolloutActionRequest.newBuilder().setId(r.getId()).setReason("exercise the emergency rollback").build());
        assertThat(aborted.getState()).as(aborted.getLastReason()).isEqualTo(RolloutState.ABORTED);
        for (String id : migrationIds) {
            assertThat(migrations.getMigration(GetMigrationRequest.newBuilder().setId(id).build()).getState())
                    .isEqualTo(MigrationState.ROLLED_BACK);
        }
        assertThat(hasColumn(DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("crackerjack.db")), "jobs", "job_ulid")).isFalse();
        assertThat(hasColumn(DriverManager.getConnection(akoshaUrl, TestPostgres.user(), TestPostgres.password()), "entities",
                "entity_ulid")).isFalse();
        assertStatus(Status.Code.NOT_FOUND, () -> flags.getFlag(GetFlagRequest.newBuilder().setName("ulid_resolution").build()));
    }

    @Test
    void theOtpRefactorPlanRollsTheCoordinatorBackFromHalfToTheCanaryOnPoorDelivery() throws Exception {
        // production-half keeps a long bake here so the delivery report arrives while it bakes
        String yaml = plan("otp-refactor.yaml").replaceFirst("(use_v2_coordinator: 50% \\}\\n\\s+bake: )200ms", "$11h");
        assertThat(yaml).contains("bake: 1h");
        Rollout r = rollouts.createRollout(CreateRolloutRequest.newBuilder().setPlanYaml(yaml).setStart(true).build());
        Rollout half = drive(r.getId(), x -> x.getCurrentPhase() == 4 && x.getPhases(4).getState() == PhaseState.PHASE_BAKING
                || x.getState() != RolloutState.RUNNING);
        assertThat(half.getState()).as(half.getLastReason()).isEqualTo(RolloutState.RUNNING);
        assertThat(basisPoints("use_v2_coordinator")).isEqualTo(5_000);
        var breach = rollouts.reportSignal(ReportSignalRequest.newBuilder().setName("message_delivery_success").setValue(93.5)
                .putLabels("rollout_id", r.getId()).build());
        assertThat(breach.getRollbacksTriggeredList()).containsExactly(r.getId());
        Rollout back = rollouts.getRollout(GetRolloutRequest.newBuilder().setId(r.getId()).build());
        assertThat(back.getState()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isEqualTo(3);
        assertThat(back.getLastReason()).contains("message_delivery_success = 93.5 breaches rule 'message_delivery_success below 95'");
        assertThat(basisPoints("use_v2_coordinator")).isEqualTo(1_000);

        rollouts.resumeRollout(RolloutActionRequest.newBuilder().setId(r.getId()).setReason("delivery fixed").build());
        drive(r.getId(), x -> x.getCurrentPhase() == 4 && x.getPhases(4).getState() == PhaseState.PHASE_BAKING);
        rollouts.promoteRollout(RolloutActionRequest.newBuilder().setId(r.getId()).setReason("a day at 50% was clean").build());
        Rollout done = drive(r.getId(), x -> x.getState() == RolloutState.COMPLETED || x.getState() == RolloutState.ROLLED_BACK);
        assertThat(done.getState()).as(done.getLastReason()).isEqualTo(RolloutState.COMPLETED);
        assertThat(basisPoints("use_v2_coordinator")).isEqualTo(10_000);
        for (String flag : List.of("use_sync_test_apis", "use_new_error_handling", "use_reliable_messaging", "enforce_supervised_tasks",
                "use_persistent_agents")) {
            assertThat(basisPoints(flag)).as(flag).isEqualTo(10_000);
        }
    }

    @Test
    void aControllerKilledWhileAPhaseBackfillsResumesWithoutCreatingOrRunningTheMigrationTwice() throws Exception {
        String killjobs = "jdbc:sqlite:" + dir.resolve("killjobs.db");
        try (Connection c = DriverManager.getConnection(killjobs); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, test_file TEXT NOT NULL)");
            st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) "
                    + "INSERT INTO jobs SELECT i, 'file-' || i FROM n");
        }
        migrations.registerTarget(RegisterTargetRequest.newBuilder().setName("killjobs").setJdbcUrl(killjobs).build());
        String db = database("kill_controller");
        int port = ServiceProcess.freePort();
        Map<String, String> config = Map.of("ulidmesh.rollout.flag-service", flagService.address(),
                "ulidmesh.rollout.migration-worker", worker.address(), "ulidmesh.rollout.prometheus-url", prometheus.url());
        ServiceProcess first = ServiceProcess.start("rollout-controller", db, port, config);
        ManagedChannel ch = TestChannels.to(port);
        var client = RolloutServiceGrpc.newBlockingStub(TestChannels.as(ch, "release-manager"));
        Rollout r = client.createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: kill-backfill
                phases:
                  - name: migrate
                    flags: { killjobs_ulid: on }
                    migrations:
                      - { target: killjobs, table: jobs, key: id, ulid_column: job_ulid, batch_size: 50, max_rows_per_second: 400 }
                """).build());
        String migrationId = "";
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Rollout now = client.getRollout(GetRolloutRequest.newBuilder().setId(r.getId()).build());
            migrationId = now.getPhases(0).getMigrations(0).getMigrationId();
            if (!migrationId.isEmpty() && migrations.getMigration(GetMigrationRequest.newBuilder().setId(migrationId).build())
                    .getState() == MigrationState.BACKFILLING) {
                assertThat(now.getPhases(0).getState()).isEqualTo(PhaseState.PHASE_APPLYING);
                break;
            }
            Thread.sleep(50);
        }
        assertThat(migrationId).isNotEmpty();
        long flagVersion = flags.getFlag(GetFlagRequest.newBuilder().setName("killjobs_ulid").build()).getVersion();
        first.killHard();
        ch.shutdownNow();

        try (ServiceProcess second = ServiceProcess.start("rollout-controller", db, port, config)) {
            ManagedChannel ch2 = TestChannels.to(port);
            CHANNELS.add(ch2);
            var client2 = RolloutServiceGrpc.newBlockingStub(ch2);
            Rollout done = null;
            while (System.nanoTime() < deadline + 60_000_000_000L) {
                done = client2.getRollout(GetRolloutRequest.newBuilder().setId(r.getId()).build());
                if (done.getState() != RolloutState.RUNNING) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(done.getState()).as(done.getLastReason()).isEqualTo(RolloutState.COMPLETED);
            assertThat(done.getPhases(0).getMigrations(0).getMigrationId()).isEqualTo(migrationId);
            var onTarget = migrations.listMigrations(io.ulidmesh.proto.migration.v1.ListMigrationsRequest.newBuilder()
                    .setTarget("killjobs").build()).getMigrationsList();
            assertThat(onTarget).hasSize(1);
            assertThat(onTarget.get(0).getState()).isEqualTo(MigrationState.VALIDATED);
            assertThat(onTarget.get(0).getRowsBackfilled()).isEqualTo(1500);
            assertThat(flags.getFlag(GetFlagRequest.newBuilder().setName("killjobs_ulid").build()).getVersion()).isEqualTo(flagVersion);
        } finally {
            TestPostgres.dropDatabase(db);
            DATABASES.remove(db);
        }
    }
}
