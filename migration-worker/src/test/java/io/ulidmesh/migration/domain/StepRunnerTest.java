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
            assertThat(worker.catalog.plan(id)).containsOnlyKeys("expand", "backfill", "validate", "contract", "rollback");
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
            assertThat(worker.catalog.plan(id)).containsOnlyKeys("validate", "contract", "rollback");

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
            assertThat(worker.catalog.plan(id)).isEmpty();
            assertThat(worker.repository.events).extracting(Change::step)
                    .containsExactly("create", "expand", "backfill", "backfill", "validate", "contract", "rollback");
            assertThat(worker.repository.events).extracting(Change::actor).contains("alice", "migration-worker");
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
            String id = worker.catalog.create(Worker.spec(), "alice").id();
            worker.steps.expand(id, "alice", "");
            worker.backfills.backfill(id, "alice", "");
            worker.awaitRest(id);
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
