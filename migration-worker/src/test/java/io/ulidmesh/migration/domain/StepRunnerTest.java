package io.ulidmesh.migration.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The use cases in order against an in-memory target: what each step checks, changes and records. */
class StepRunnerTest {
    private static final int ROWS = 1_500;

    private static void refused(ErrorKind kind, ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void aMigrationRunsExpandBackfillValidateContractAndRollsBack() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            MigrationRecord created = worker.catalog.create(Worker.spec(), "alice");
            String id = created.id();
            assertThat(created.state()).isEqualTo(Stage.CREATED);
            MigrationCatalog.Plan fresh = worker.catalog.plan(id);
            assertThat(fresh.steps()).containsOnlyKeys("expand", "backfill", "validate", "contract", "rollback");
            assertThat(fresh.estimate()).isEqualTo(new BackfillEstimate(ROWS, ROWS, 0, 0,
                    "unknown: unthrottled, and no backfill on this target has been measured yet"));
            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.steps.contract(id, "alice", ""), "Contract needs a passed validation");
            assertThat(worker.table.ran).as("a refused step runs nothing").isEmpty();

            MigrationRecord expanded = worker.steps.expand(id, "alice", "");
            assertThat(expanded.state()).isEqualTo(Stage.EXPANDED);
            assertThat(expanded.baselineRows()).isEqualTo(ROWS);
            assertThat(worker.table.ulidColumn).isTrue();
            assertThat(worker.steps.expand(id, "alice", "")).as("Expand again is a no-op").isEqualTo(expanded);
            assertThat(worker.table.ran).containsExactly("add ulid");

            assertThat(worker.backfills.backfill(id, "alice", "").state()).isEqualTo(Stage.BACKFILLING);
            assertThat(worker.awaitRest(id).state()).isEqualTo(Stage.BACKFILLED);
            assertThat(worker.table.ulids()).doesNotContainNull().hasSize(ROWS);
            MigrationCatalog.Plan backfilled = worker.catalog.plan(id);
            assertThat(backfilled.steps()).containsOnlyKeys("validate", "contract", "rollback");
            assertThat(backfilled.estimate().rowsToBackfill()).isZero();
            assertThat(backfilled.estimate().rows()).isEqualTo(ROWS);

            ValidationResult result = worker.steps.validate(id, "alice", "");
            assertThat(result.passed()).as("problems: %s", result.problems()).isTrue();
            assertThat(result.valid()).isEqualTo(ROWS);
            assertThat(worker.repository.get(id).state()).isEqualTo(Stage.VALIDATED);

            worker.table.rows.put((long) ROWS + 1, new InMemoryTarget.Row(null)); // the old code inserts without a ULID
            assertThat(worker.steps.contract(id, "alice", "").state()).isEqualTo(Stage.CONTRACTED);
            assertThat(worker.table.ulids()).as("Contract's catch-up gave the new row one").doesNotContainNull();
            assertThat(worker.table.legacyColumn).isFalse();
            assertThat(worker.table.archive).isTrue();

            refused(ErrorKind.INVALID_ARGUMENT, () -> worker.steps.rollback(id, "alice", " "), "reason is required");
            assertThat(worker.steps.rollback(id, "alice", "error rate").state()).isEqualTo(Stage.ROLLED_BACK);
            assertThat(worker.table.legacyColumn).isTrue();
            assertThat(worker.table.ulidColumn).isFalse();
            assertThat(worker.table.ran).containsSubsequence("enforce not null and unique", "archive and drop legacy",
                    "unenforce", "restore legacy", "drop ulid");
            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.steps.expand(id, "alice", ""), "rolled back");
            assertThat(worker.catalog.plan(id).steps()).isEmpty();
            assertThat(worker.repository.events).extracting(Change::step)
                    .containsExactly("create", "expand", "backfill", "backfill", "validate", "contract", "rollback");
            assertThat(worker.repository.events).extracting(Change::actor).contains("alice", "migration-worker");
        }
    }

    /**
     * A Rollback stops a running backfill by pausing it first, so the takeover scan (which starts
     * BACKFILLING migrations whose job runs nowhere) cannot start it again between the job's end and
     * the Rollback: a restarted job would write into the column the Rollback drops, or into the one
     * a next migration of the same table adds (a DuckDB write-write conflict in the demo).
     */
    @Test
    void aBackfillStoppedForRollbackIsNotTakenOverAgain() throws Exception {
        try (Worker worker = new Worker(50_000)) {
            String id = worker.catalog.create(Worker.spec(), "alice").id();
            worker.steps.expand(id, "alice", "");
            worker.table.beforeWrite = table -> sleep(20);
            worker.backfills.backfill(id, "alice", "");
            while (worker.log.stream().noneMatch(line -> line.startsWith("write "))) {
                Thread.sleep(5);
            }

            worker.backfills.stopForStep(id, Step.ROLLBACK, "alice", "error rate");
            assertThat(worker.repository.get(id).state()).isEqualTo(Stage.PAUSED);
            long writes = worker.log.stream().filter(line -> line.startsWith("write ")).count();
            worker.backfills.resumeInterrupted(); // the takeover scan, at once and then every second
            Thread.sleep(1_500);
            assertThat(worker.log.stream().filter(line -> line.startsWith("write "))).as("no batch after the stop").hasSize((int) writes);

            assertThat(worker.steps.rollback(id, "alice", "error rate").state()).isEqualTo(Stage.ROLLED_BACK);
            assertThat(worker.repository.events).extracting(Change::reason).contains("stopping the backfill for rollback: error rate");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void contractIsRefusedWhileTheLegacyColumnIsInUseAndChangesNothing() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = validated(worker);
            worker.table.dependents = java.util.List.of("view job_names");
            int ranBefore = worker.table.ran.size();

            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.steps.contract(id, "alice", ""), "refused, nothing changed");
            assertThat(worker.repository.get(id).state()).isEqualTo(Stage.VALIDATED);
            assertThat(worker.table.ran).hasSize(ranBefore);
            assertThat(worker.table.legacyColumn).isTrue();
        }
    }

    @Test
    void aBackfillTheTargetFailsIsRecordedAndCanBeRetried() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = worker.catalog.create(Worker.spec(), "alice").id();
            worker.steps.expand(id, "alice", "");
            worker.table.failNextWrite = "disk full";

            worker.backfills.backfill(id, "alice", "");
            MigrationRecord failed = worker.awaitRest(id);
            assertThat(failed.state()).isEqualTo(Stage.FAILED);
            assertThat(failed.settledState()).isEqualTo(Stage.EXPANDED);
            assertThat(failed.lastError()).isEqualTo("disk full");
            assertThat(worker.meters.steps).containsEntry("backfill failed", 1);
            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.steps.validate(id, "alice", ""), "after EXPANDED");

            worker.backfills.backfill(id, "alice", "retry");
            assertThat(worker.awaitRest(id).state()).isEqualTo(Stage.BACKFILLED);
            assertThat(worker.table.ulids()).doesNotContainNull().hasSize(ROWS);
        }
    }

    @Test
    void aFailedValidationLeavesTheMigrationBackfilled() throws Exception {
        try (Worker worker = new Worker(ROWS)) {
            String id = worker.backfilled().id();
            worker.table.rows.get(2L).ulid = worker.table.rows.get(1L).ulid;

            ValidationResult result = worker.steps.validate(id, "alice", "");
            assertThat(result.passed()).isFalse();
            assertThat(result.duplicates()).isEqualTo(1);
            assertThat(worker.repository.get(id).state()).isEqualTo(Stage.BACKFILLED);
        }
    }

    @Test
    void createChecksTheSpecAgainstTheTargetsCatalog() {
        try (Worker worker = new Worker(10)) {
            UlidColumnSpec spec = Worker.spec();
            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.catalog.create(with(spec, "missing", "id", "job_ulid", "created_at"), "a"),
                    "table 'missing' does not exist on target 'crackerjack'");
            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.catalog.create(with(spec, "jobs", "legacy_id", "job_ulid", ""), "a"),
                    "is not unique");
            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.catalog.create(with(spec, "jobs", "id", "legacy_id", ""), "a"),
                    "already exists");
            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.catalog.create(with(spec, "jobs", "id", "job_ulid", "id"), "a"),
                    "not a timestamp or date");
            refused(ErrorKind.FAILED_PRECONDITION, () -> worker.catalog.create(new UlidColumnSpec("jobs", "nobody", "jobs", "id",
                    "job_ulid", "", "", 0, 0), "a"), "not registered");
            assertThat(worker.repository.migrations).isEmpty();

            MigrationRecord created = worker.catalog.create(with(spec, "JOBS", "ID", "job_ulid", "CREATED_AT"), "a");
            assertThat(created.spec().table()).as("names as the catalog spells them").isEqualTo("jobs");
            assertThat(created.spec().keyColumn()).isEqualTo("id");
            assertThat(created.spec().timestampColumn()).isEqualTo("created_at");
        }
    }

    private static UlidColumnSpec with(UlidColumnSpec spec, String table, String key, String ulid, String time) {
        return new UlidColumnSpec(spec.name(), spec.target(), table, key, ulid, "", time, spec.batchSize(), spec.maxRowsPerSecond());
    }

    private static String validated(Worker worker) throws InterruptedException {
        String id = worker.catalog.create(Worker.spec(), "alice").id();
        worker.steps.expand(id, "alice", "");
        worker.backfills.backfill(id, "alice", "");
        worker.awaitRest(id);
        assertThat(worker.steps.validate(id, "alice", "").passed()).isTrue();
        return id;
    }
}
