package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.PlanRequest;
import io.ulidmesh.proto.migration.v1.PlanResponse;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 100,000 legacy rows per engine through expand, backfill, validate, contract and rollback, each
 * step checked by reading the target directly.
 */
@QuarkusTest
class RoundTripTest extends GrpcTestBase {
    private static final int ROWS = 100_000;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void hundredThousandRowsRoundTrip(Engine engine) throws Exception {
        String target = "rt-" + engine.name().toLowerCase(Locale.ROOT);
        try (TargetDb db = TargetDb.create(engine).seed(ROWS)) {
            Grpc.register(stub, target, db);
            // A dry run plans the spec without creating anything.
            PlanResponse dryRun = stub.plan(PlanRequest.newBuilder().setSpec(Grpc.jobsSpec(target)).build());
            assertThat(dryRun.getStepsList()).extracting(s -> s.getStep())
                    .containsExactly("expand", "backfill", "validate", "contract", "rollback");
            assertThat(dryRun.getEstimate().getRows()).isEqualTo(ROWS);
            assertThat(dryRun.getEstimate().getRowsToBackfill()).isEqualTo(ROWS);
            assertThat(dryRun.getEstimate().getBasis()).isNotEmpty();
            assertThat(stub.listMigrations(ListMigrationsRequest.newBuilder().setTarget(target).build()).getMigrationsCount()).isZero();
            assertThat(db.columns("jobs")).containsExactly("id", "legacy_id", "created_at", "payload");
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.plan(PlanRequest.getDefaultInstance()));
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.plan(PlanRequest.newBuilder()
                    .setSpec(Grpc.jobsSpec(target).setTable("no_such_table")).build()));

            Migration created = Grpc.create(stub, Grpc.jobsSpec(target));
            String id = created.getId();
            assertThat(created.getState()).isEqualTo(MigrationState.CREATED);
            assertThat(db.columns("jobs")).containsExactly("id", "legacy_id", "created_at", "payload");

            PlanResponse plan = stub.plan(PlanRequest.newBuilder().setId(id).build());
            assertThat(plan.getStepsList()).extracting(s -> s.getStep())
                    .containsExactly("expand", "backfill", "validate", "contract", "rollback");
            assertThat(plan.getSteps(0).getSqlList()).anyMatch(sql -> sql.contains("ADD COLUMN") && sql.contains("\"job_ulid\""));

            // A step out of order is refused and changes nothing.
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.contract(step(id)));
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.backfill(step(id)));

            Migration expanded = stub.expand(step(id));
            assertThat(expanded.getState()).isEqualTo(MigrationState.EXPANDED);
            assertThat(expanded.getBaselineRows()).isEqualTo(ROWS);
            assertThat(db.columns("jobs")).containsExactly("id", "legacy_id", "created_at", "payload", "job_ulid");
            assertThat(stub.expand(step(id)).getState()).as("Expand again is a no-op").isEqualTo(MigrationState.EXPANDED);

            assertThat(stub.backfill(step(id)).getState()).isEqualTo(MigrationState.BACKFILLING);
            List<MigrationProgress> reports = Grpc.watch(stub, id);
            MigrationProgress last = reports.get(reports.size() - 1);
            assertThat(last.getState()).isEqualTo(MigrationState.BACKFILLED);
            assertThat(last.getRowsDone()).isEqualTo(ROWS);
            assertThat(last.getRowsTotal()).isEqualTo(ROWS);

            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE job_ulid IS NULL")).isZero();
            assertThat(db.queryLong("SELECT count(DISTINCT job_ulid) FROM jobs")).isEqualTo(ROWS);
            // ULID order follows history: in key order (= created_at order) the ULIDs rise strictly.
            List<String> ulids = db.strings("SELECT job_ulid FROM jobs ORDER BY id");
            assertThat(ulids).isSorted().doesNotHaveDuplicates().allMatch(u -> u.matches("[0-7][0-9A-HJKMNP-TV-Z]{25}"));
            // The time part is the row's created_at: 2024-01-01T00:00:01Z for id 1.
            assertThat(com.github.f4b6a3.ulid.Ulid.from(ulids.get(0)).getInstant()).isEqualTo(java.time.Instant.parse("2024-01-01T00:00:01Z"));

            ValidationReport report = stub.validate(step(id));
            assertThat(report.getPassed()).as("problems: %s", report.getProblemsList()).isTrue();
            assertThat(report.getRows()).isEqualTo(ROWS);
            assertThat(report.getBaselineRows()).isEqualTo(ROWS);
            assertThat(report.getValid()).isEqualTo(ROWS);
            assertThat(report.getInvalid() + report.getNulls() + report.getDuplicates()).isZero();

            Migration contracted = stub.contract(step(id));
            assertThat(contracted.getState()).as(contracted.getLastError()).isEqualTo(MigrationState.CONTRACTED);
            assertThat(db.columns("jobs")).containsExactly("id", "created_at", "payload", "job_ulid");
            String archive = "ulidmesh_archive_" + id.toLowerCase(Locale.ROOT);
            assertThat(db.queryLong("SELECT count(*) FROM " + archive)).isEqualTo(ROWS);
            String first = ulids.get(0);
            assertThatThrownBy(() -> db.execute("INSERT INTO jobs (id, created_at, job_ulid) VALUES (" + (ROWS + 1)
                    + ", '2025-01-01 00:00:00', NULL)")).as("NOT NULL").isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> db.execute("INSERT INTO jobs (id, created_at, job_ulid) VALUES (" + (ROWS + 1)
                    + ", '2025-01-01 00:00:00', '" + first + "')")).as("UNIQUE").isInstanceOf(SQLException.class);

            assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.rollback(io.ulidmesh.proto.migration.v1.StepRequest.newBuilder().setId(id).build()),
                    "reason is required");
            Migration rolledBack = stub.rollback(step(id));
            assertThat(rolledBack.getState()).as(rolledBack.getLastError()).isEqualTo(MigrationState.ROLLED_BACK);
            assertThat(db.columns("jobs")).containsExactly("id", "created_at", "payload", "legacy_id");
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE legacy_id = 'job-' || id")).isEqualTo(ROWS);
            assertThat(db.queryLong("SELECT count(*) FROM jobs")).isEqualTo(ROWS);
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.expand(step(id)));
        }
    }
}
