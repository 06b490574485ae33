package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsResponse;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.PlanRequest;
import io.ulidmesh.testsupport.TestChannels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pause, Resume, Watch, Plan, ListMigrations, the throttle and the metrics, on PostgreSQL. */
@QuarkusTest
class PauseResumeThrottleTest extends GrpcTestBase {

    @Test
    void throttleHoldsTheAskedRate() throws Exception {
        int rows = 20_000;
        int rate = 5_000;
        try (TargetDb db = TargetDb.create(Engine.POSTGRESQL).seed(rows)) {
            Grpc.register(stub, "throttled", db);
            String id = Grpc.create(stub, Grpc.jobsSpec("throttled").setBatchSize(5000).setMaxRowsPerSecond(rate)).getId();
            stub.expand(step(id));
            Migration started = stub.backfill(step(id));
            List<MigrationProgress> reports = Grpc.watch(stub, id);
            assertThat(reports.get(reports.size() - 1).getState()).isEqualTo(MigrationState.BACKFILLED);
            // The worker's own timestamps of the two transitions: Watch's polling interval does not blur them.
            Migration finished = stub.getMigration(io.ulidmesh.proto.migration.v1.GetMigrationRequest.newBuilder().setId(id).build());
            double seconds = seconds(finished.getUpdatedAt()) - seconds(started.getUpdatedAt());
            assertThat(rows / seconds).as("observed rows/s").isCloseTo(rate, within(rate * 0.10));
            // Watch reported progress on the way, with a rate and an ETA while it ran.
            assertThat(reports).anySatisfy(p -> {
                assertThat(p.getState()).isEqualTo(MigrationState.BACKFILLING);
                assertThat(p.getRowsDone()).isBetween(1L, rows - 1L);
                assertThat(p.getRowsPerSecond()).isPositive();
                assertThat(p.getEtaSeconds()).isPositive();
            });
            assertThat(reports).extracting(MigrationProgress::getRowsDone).isSorted();
        }
        String metrics = RestAssured.given().port(TestChannels.quarkusTestPort()).get("/q/metrics").asString();
        assertThat(metrics).contains("ulidmesh_backfill_rows_total{target=\"throttled\"} 20000.0")
                .contains("ulidmesh_backfill_batch_duration_seconds_bucket").contains("ulidmesh_migration_steps_total");
    }

    private static String metrics() {
        return RestAssured.given().port(TestChannels.quarkusTestPort()).get("/q/metrics").asString();
    }

    /** The value of {@code name}'s series for {@code migration}. */
    private static double gauge(String metrics, String name, String migration) {
        String prefix = name + "{migration=\"" + migration + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError(prefix + "not in the metrics"));
    }

    private static double seconds(com.google.protobuf.Timestamp t) {
        return t.getSeconds() + t.getNanos() / 1e9;
    }

    @Test
    void pauseStopsAtACheckpointAndResumeFinishes() throws Exception {
        int rows = 30_000;
        try (TargetDb db = TargetDb.create(Engine.POSTGRESQL).seed(rows)) {
            Grpc.register(stub, "pausable", db);
            String id = Grpc.create(stub, Grpc.jobsSpec("pausable").setBatchSize(1000).setMaxRowsPerSecond(6000)).getId();
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.pause(step(id)));
            stub.expand(step(id));
            stub.backfill(step(id));
            while (db.queryLong("SELECT count(job_ulid) FROM jobs") < 3000) {
                Thread.sleep(20);
            }
            // While it runs: its progress gauges, rows with a ULID out of the table's rows
            String running = metrics();
            assertThat(gauge(running, "ulidmesh_backfill_rows_done", id)).isBetween(1.0, (double) rows);
            assertThat(gauge(running, "ulidmesh_backfill_rows_in_table", id)).isEqualTo(rows);
            assertThat(running).contains("ulidmesh_backfill_rows_per_second{migration=\"" + id + "\"}");
            Migration paused = stub.pause(step(id));
            assertThat(paused.getState()).isEqualTo(MigrationState.PAUSED);
            assertThat(metrics()).as("a stopped backfill has no gauges").doesNotContain("migration=\"" + id + "\"");
            long done = db.queryLong("SELECT count(job_ulid) FROM jobs");
            assertThat(done).isBetween(3000L, rows - 1L);
            List<MigrationProgress> whilePaused = Grpc.watch(stub, id);
            assertThat(whilePaused).singleElement().satisfies(p -> assertThat(p.getState()).isEqualTo(MigrationState.PAUSED));
            Thread.sleep(500);
            assertThat(db.queryLong("SELECT count(job_ulid) FROM jobs")).as("nothing moves while paused").isEqualTo(done);
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.backfill(step(id)));
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.validate(step(id)));

            assertThat(stub.plan(PlanRequest.newBuilder().setId(id).build()).getStepsList()).extracting(s -> s.getStep())
                    .containsExactly("backfill", "validate", "contract", "rollback");

            assertThat(stub.resume(step(id)).getState()).isEqualTo(MigrationState.BACKFILLING);
            Migration finished = Grpc.awaitState(stub, id, MigrationState.BACKFILLED);
            assertThat(finished.getRowsBackfilled()).isEqualTo(rows);
            assertThat(db.queryLong("SELECT count(DISTINCT job_ulid) FROM jobs")).isEqualTo(rows);

            ListMigrationsResponse page = stub.listMigrations(ListMigrationsRequest.newBuilder().setTarget("pausable").build());
            assertThat(page.getMigrationsList()).extracting(Migration::getId).containsExactly(id);

            // Rollback before Contract drops the ULID column and leaves the rest as it was.
            assertThat(stub.rollback(step(id)).getState()).isEqualTo(MigrationState.ROLLED_BACK);
            assertThat(db.columns("jobs")).containsExactly("id", "legacy_id", "created_at", "payload");
        }
    }

    @Test
    void rollbackDuringTheBackfillStopsItAndDropsTheColumn() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.SQLITE).seed(20_000)) {
            Grpc.register(stub, "abandoned", db);
            String id = Grpc.create(stub, Grpc.jobsSpec("abandoned").setBatchSize(500).setMaxRowsPerSecond(4000)).getId();
            stub.expand(step(id));
            stub.backfill(step(id));
            while (db.queryLong("SELECT count(job_ulid) FROM jobs") < 1000) {
                Thread.sleep(20);
            }
            Migration rolledBack = stub.rollback(step(id));
            assertThat(rolledBack.getState()).as(rolledBack.getLastError()).isEqualTo(MigrationState.ROLLED_BACK);
            assertThat(db.columns("jobs")).containsExactly("id", "legacy_id", "created_at", "payload");
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE legacy_id = 'job-' || id")).isEqualTo(20_000);
            Thread.sleep(300);
            assertThat(stub.getMigration(io.ulidmesh.proto.migration.v1.GetMigrationRequest.newBuilder().setId(id).build()).getState())
                    .as("the stopped backfill does not come back").isEqualTo(MigrationState.ROLLED_BACK);
            assertThat(stub.plan(PlanRequest.newBuilder().setId(id).build()).getStepsList()).isEmpty();
        }
    }

    @Test
    void listMigrationsPagesNewestFirst() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.SQLITE).seed(10)) {
            Grpc.register(stub, "paged", db);
            String first = Grpc.create(stub, Grpc.jobsSpec("paged").setUlidColumn("u1")).getId();
            String second = Grpc.create(stub, Grpc.jobsSpec("paged").setUlidColumn("u2")).getId();
            String third = Grpc.create(stub, Grpc.jobsSpec("paged").setUlidColumn("u3")).getId();
            ListMigrationsResponse page1 = stub.listMigrations(ListMigrationsRequest.newBuilder().setTarget("paged").setPageSize(2).build());
            assertThat(page1.getMigrationsList()).extracting(Migration::getId).containsExactly(third, second);
            ListMigrationsResponse page2 = stub.listMigrations(ListMigrationsRequest.newBuilder().setTarget("paged").setPageSize(2)
                    .setPageToken(page1.getNextPageToken()).build());
            assertThat(page2.getMigrationsList()).extracting(Migration::getId).containsExactly(first);
            assertThat(page2.getNextPageToken()).isEmpty();

            // Tokens are opaque and checked: a bare id, or a token of another listing, is refused.
            assertThat(page1.getNextPageToken()).doesNotContain(second);
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.listMigrations(ListMigrationsRequest.newBuilder().setTarget("paged")
                    .setPageToken(second).build()), "page_token");
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.listMigrations(ListMigrationsRequest.newBuilder().setTarget("other")
                    .setPageToken(page1.getNextPageToken()).build()), "page_token");
        }
    }
}
