package io.ulidmesh.migration.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Planning a migration that does not exist yet (the controller's dry run) and the backfill's estimate. */
class PlanEstimateTest {
    private static final int ROWS = 5_000;

    @Test
    void planningASpecCreatesNothingAndChangesNothing() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            MigrationCatalog.Plan plan = worker.catalog.plan(Worker.spec());
            assertThat(plan.steps()).containsOnlyKeys("expand", "backfill", "validate", "contract", "rollback");
            assertThat(plan.estimate().rows()).isEqualTo(ROWS);
            assertThat(plan.estimate().rowsToBackfill()).isEqualTo(ROWS);
            assertThat(plan.estimate().basis()).startsWith("unknown:");
            assertThat(worker.repository.list("", "", 10)).as("no migration created").isEmpty();
            assertThat(worker.table.ran).as("nothing ran on the target").isEmpty();
            assertThat(worker.table.ulidColumn).isFalse();
        }
    }

    @Test
    void aSpecTheCatalogRefusesIsRefusedAsCreateWouldRefuseIt() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            UlidColumnSpec noTable = new UlidColumnSpec("x", Worker.TARGET, "nope", "id", "x_ulid", "", "", 1000, 0);
            assertThatThrownBy(() -> worker.catalog.plan(noTable)).isInstanceOfSatisfying(DomainException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
            assertThat(worker.repository.list("", "", 10)).isEmpty();
        }
    }

    @Test
    void theEstimateUsesTheNewestBackfillMeasuredOnTheTargetOrTheThrottleWhicheverIsSlower() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            MigrationRecord done = worker.backfilled();
            String id = done.id();
            assertThat(done.rowsPerSecond()).isPositive();
            worker.steps.rollback(id, "alice", "plan again");

            BackfillEstimate unthrottled = worker.catalog.plan(Worker.spec()).estimate();
            assertThat(unthrottled.rowsPerSecond()).isEqualTo(done.rowsPerSecond());
            assertThat(unthrottled.basis()).startsWith("observed: migration " + id);
            assertThat(unthrottled.seconds()).isEqualTo((long) Math.ceil(ROWS / done.rowsPerSecond()));

            UlidColumnSpec slow = new UlidColumnSpec("jobs", Worker.TARGET, "jobs", "id", "job_ulid", "legacy_id", "created_at", 1000, 1);
            BackfillEstimate throttled = worker.catalog.plan(slow).estimate();
            assertThat(throttled.basis()).isEqualTo("throttle");
            assertThat(throttled.seconds()).isEqualTo(ROWS);
        }
    }

    @Test
    void estimatesRoundUpAndNeedARate() {
        assertThat(BackfillEstimate.of(10, 10, 3, Optional.empty()).seconds()).isEqualTo(4);
        assertThat(BackfillEstimate.of(10, 0, 3, Optional.empty()).seconds()).isZero();
        BackfillEstimate observed = BackfillEstimate.of(100, 100, 0, Optional.of(new BackfillEstimate.Observed("01J", 50.0)));
        assertThat(observed.seconds()).isEqualTo(2);
        assertThat(observed.basis()).isEqualTo("observed: migration 01J on this target backfilled 50 rows/s");
        assertThat(BackfillEstimate.of(100, 100, 20, Optional.of(new BackfillEstimate.Observed("01J", 50.0))).basis()).isEqualTo("throttle");
    }
}
