package io.ulidmesh.rollout.it;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.migration.v1.BackfillEstimate;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.rollout.v1.FlagChange;
import io.ulidmesh.proto.rollout.v1.ListRolloutsRequest;
import io.ulidmesh.proto.rollout.v1.MigrationPreview;
import io.ulidmesh.proto.rollout.v1.PhasePreview;
import io.ulidmesh.proto.rollout.v1.PreviewRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ReadinessCheck;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.RolloutPreview;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.SignalHealth;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import io.ulidmesh.testsupport.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PreviewRollout over real gRPC against a real flag service and migration worker with a SQLite
 * target: the exact preview with the table's real row count and the worker's estimate, read by a
 * viewer, and nothing changed anywhere (no rollout, no flag write, no migration, the table's columns as they were).
 */
class PreviewIT {
    static final List<AutoCloseable> CLEANUP = new ArrayList<>();
    static final List<String> DATABASES = new ArrayList<>();
    static ServiceProcess flagService;
    static ServiceProcess worker;
    static ServiceProcess controller;
    static FlagServiceGrpc.FlagServiceBlockingStub flags;
    static MigrationServiceGrpc.MigrationServiceBlockingStub migrations;
    static RolloutServiceGrpc.RolloutServiceBlockingStub viewer;
    static String crackerjack;

    @BeforeAll
    static void start() throws Exception {
        flagService = ServiceProcess.start("flag-service", database("flags"), Map.of());
        CLEANUP.add(flagService);
        Path dir = Files.createTempDirectory("ulidmesh-preview");
        worker = ServiceProcess.start("migration-worker", database("worker"), Map.of("ulidmesh.migration.allowed-paths", dir.toString()));
        CLEANUP.add(worker);
        controller = ServiceProcess.start("rollout-controller", database("controller"), Map.of(
                "ulidmesh.rollout.flag-service", flagService.address(),
                "ulidmesh.rollout.migration-worker", worker.address()));
        CLEANUP.add(controller);
        flags = FlagServiceGrpc.newBlockingStub(TestChannels.as(channel(flagService.port()), "it-operator"));
        migrations = MigrationServiceGrpc.newBlockingStub(TestChannels.as(channel(worker.port()), "it-operator"));
        viewer = RolloutServiceGrpc.newBlockingStub(TestChannels.withToken(channel(controller.port()),
                TestTokens.token("it-viewer", "viewer")));
        crackerjack = "jdbc:sqlite:" + dir.resolve("crackerjack.db");
        try (Connection c = DriverManager.getConnection(crackerjack); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, test_file TEXT NOT NULL)");
            s.execute("INSERT INTO jobs (test_file) VALUES ('a'), ('b'), ('c'), ('d'), ('e')");
        }
        migrations.registerTarget(RegisterTargetRequest.newBuilder().setName("crackerjack").setJdbcUrl(crackerjack).build());
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = CLEANUP.size() - 1; i >= 0; i--) {
            CLEANUP.get(i).close();
        }
        DATABASES.forEach(TestPostgres::dropDatabase);
    }

    static ManagedChannel channel(int port) {
        ManagedChannel ch = TestChannels.to(port);
        CLEANUP.add(ch::shutdownNow);
        return ch;
    }

    static String database(String purpose) {
        String url = TestPostgres.createDatabase("rollout_it_preview_" + purpose);
        DATABASES.add(url);
        return url;
    }

    @Test
    void aViewerSeesWhatEachPhaseWouldDoAndNothingChanges() {
        Flag before = flags.setFlag(SetFlagRequest.newBuilder().setName("preview_a").setBasisPoints(200).setReason("operator").build());
        String plan = """
                name: previewed
                signals:
                  - { name: flags_up, source: grpc-health, target: "%s" }
                  - { name: errors, source: push }
                rollback:
                  - { signal: flags_up, above: 0 }
                  - { signal: flags_up, below: 1 }
                  - { signal: errors, above: 5 }
                phases:
                  - { name: canary, flags: { preview_a: 10%%, preview_missing: on } }
                  - name: half
                    flags: { preview_a: 50%% }
                    migrations: [ { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid, max_rows_per_second: 2,
                                    steps: [expand] } ]
                """.formatted(flagService.address());

        RolloutPreview preview = viewer.previewRollout(PreviewRolloutRequest.newBuilder().setPlanYaml(plan).build());

        assertThat(preview.hasAt()).isTrue();
        assertThat(preview.toBuilder().clearAt().build()).isEqualTo(RolloutPreview.newBuilder().setName("previewed")
                .addPhases(PhasePreview.newBuilder().setName("canary")
                        .addFlags(FlagChange.newBuilder().setName("preview_a").setBefore("2%").setBeforeVersion(before.getVersion())
                                .setAfter("10%"))
                        .addFlags(FlagChange.newBuilder().setName("preview_missing").setBefore("absent").setAfter("on")))
                .addPhases(PhasePreview.newBuilder().setName("half")
                        .addFlags(FlagChange.newBuilder().setName("preview_a").setBefore("10%").setAfter("50%").setSetByPhase("canary"))
                        .addMigrations(MigrationPreview.newBuilder().setTarget("crackerjack").setTable("jobs").addSteps("expand")
                                .setEstimate("rows: 5, to backfill: 5, estimate: 3 s at 2 rows/s (throttle)")
                                .setBackfill(BackfillEstimate.newBuilder().setRows(5).setRowsToBackfill(5).setRowsPerSecond(2)
                                        .setSeconds(3).setBasis("throttle"))
                                .addAllPlannedSteps(List.of("expand", "backfill", "validate", "contract", "rollback"))))
                .addSignals(SignalHealth.newBuilder().setName("flags_up").setSource("grpc-health").setHasValue(true).setValue(1)
                        .setDetail("pulled now from grpc-health")
                        .addThresholds(threshold("flags_up above 0", "above", 0, true))
                        .addThresholds(threshold("flags_up below 1", "below", 1, false)))
                .addSignals(SignalHealth.newBuilder().setName("errors").setSource("push")
                        .setDetail("no value pushed to this controller since it started")
                        .addThresholds(threshold("errors above 5", "above", 5, false)))
                .setReadiness(ReadinessReport.newBuilder().setReady(false)
                        .addChecks(check("service flag-service healthy", true, flagService.address() + " SERVING"))
                        .addChecks(check("service migration-worker healthy", true, worker.address() + " SERVING"))
                        .addChecks(check("flag preview_a known", true, "version " + before.getVersion() + ", 2%"))
                        .addChecks(check("flag preview_missing known", false, "flag-service has no flag preview_missing"))
                        .addChecks(check("target crackerjack known", true, "SQLITE " + crackerjack))
                        .addChecks(check("signal flags_up answering", true, "grpc-health value 1"))
                        .addChecks(check("signal errors answering", true, "pushed through ReportSignal")))
                .build());

        // nothing changed: no rollout, the flags as they were, no migration on the worker
        assertThat(viewer.listRollouts(ListRolloutsRequest.getDefaultInstance()).getRolloutsList()).isEmpty();
        assertThat(flags.getFlag(GetFlagRequest.newBuilder().setName("preview_a").build())).isEqualTo(before);
        assertStatus(Status.Code.NOT_FOUND, () -> flags.getFlag(GetFlagRequest.newBuilder().setName("preview_missing").build()));
        assertNothingMigrated();
    }

    @Test
    void aSpecTheWorkerRefusesAndATableAnEarlierPhaseMigratesAreSaidInWords() {
        String plan = """
                name: refused
                phases:
                  - name: first
                    migrations:
                      - { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid, steps: [expand] }
                      - { target: crackerjack, table: no_such_table, key: id, ulid_column: x_ulid, steps: [expand] }
                  - name: second
                    migrations: [ { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid, steps: [expand, backfill] } ]
                """;

        RolloutPreview preview = viewer.previewRollout(PreviewRolloutRequest.newBuilder().setPlanYaml(plan).build());

        List<MigrationPreview> first = preview.getPhases(0).getMigrationsList();
        assertThat(first.get(0).getBackfill().getRows()).isEqualTo(5);
        assertThat(first.get(1).hasBackfill()).isFalse();
        assertThat(first.get(1).getEstimate()).startsWith("not estimated: Plan crackerjack.no_such_table failed: FAILED_PRECONDITION ")
                .contains("no_such_table");
        assertThat(preview.getPhases(1).getMigrations(0)).isEqualTo(MigrationPreview.newBuilder().setTarget("crackerjack")
                .setTable("jobs").addSteps("expand").addSteps("backfill").setEstimate("not estimated: phase first migrates "
                        + "crackerjack.jobs first, and the worker plans a table only as it is now").build());
        assertNothingMigrated();
    }

    /** No migration on the worker, and the target's table as the test made it. */
    static void assertNothingMigrated() {
        assertThat(migrations.listMigrations(ListMigrationsRequest.newBuilder().setTarget("crackerjack").build()).getMigrationsList())
                .isEmpty();
        List<String> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(crackerjack); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_info('jobs') ORDER BY cid")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(columns).containsExactly("id", "test_file");
    }

    @Test
    void aBadPlanIsInvalidArgumentWithItsLine() {
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> viewer.previewRollout(PreviewRolloutRequest.newBuilder()
                .setPlanYaml("name: bad\nphases:\n  - { name: a, flags: { x: 150% } }\n").build()), "line 3");
        assertThat(viewer.listRollouts(ListRolloutsRequest.getDefaultInstance()).getRolloutsList()).isEmpty();
    }

    static ThresholdHealth threshold(String rule, String bound, double value, boolean breached) {
        return ThresholdHealth.newBuilder().setRule(rule).setBound(bound).setThreshold(value).setFor(1).setBreached(breached).build();
    }

    static ReadinessCheck check(String name, boolean passed, String detail) {
        return ReadinessCheck.newBuilder().setName(name).setPassed(passed).setDetail(detail).build();
    }
}
