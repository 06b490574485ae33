package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.MigrationRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A phase's migrations run step by step on an in-memory worker, waited for while they backfill, and rolled back. */
class MigrationDriverTest {
    static final String PLAN = """
            name: migrate
            phases:
              - name: jobs
                migrations: [ { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid } ]
            """;

    final Controller c = new Controller();

    @Test
    void stepsRunInOrderAndTheBackfillIsWaitedForWithoutHoldingTheEngine() {
        RolloutRecord r = c.start(PLAN);
        String name = "rollout-" + r.id().toLowerCase() + "-p0-a0-m0";
        assertThat(c.worker.calls).containsExactly("create " + name, "expand m1", "backfill m1");
        assertThat(c.get(r.id()).phase(0).state()).isEqualTo(PhaseStatus.APPLYING);

        c.driver.tick();
        assertThat(c.worker.calls).hasSize(3);
        c.worker.finishBackfill("m1", 42);
        c.driver.tick();

        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(c.worker.calls).containsExactly("create " + name, "expand m1", "backfill m1", "validate m1");
        assertThat(c.store.messages(r.id(), EventType.MIGRATION_STEP)).containsExactly(
                "migration m1 on crackerjack.jobs created",
                "migration m1 on crackerjack.jobs: expand done (expanded)",
                "migration m1 backfill started",
                "migration m1 on crackerjack.jobs: backfill done (backfilled 42 rows)",
                "migration m1 on crackerjack.jobs: validate done (validated 42 rows)");
        assertThat(c.queries.get(r.id()).migrationId(0, 0)).isEqualTo("m1");
    }

    @Test
    void aMigrationWhoseIdWasNotSavedIsFoundAgainByNameNotCreatedTwice() {
        RolloutRecord r = c.start(PLAN);
        Change entry = c.store.changes(r.id(), 0, 0).get(0);
        // as if the controller died between the worker's answer and saving its id
        c.store.updateChange(entry.withMigrationId(null));
        c.worker.finishBackfill("m1", 7);

        new Controller(c).driver.tick();
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(c.worker.calls).filteredOn(call -> call.startsWith("create")).hasSize(1);
        assertThat(c.store.changes(r.id(), 0, 0).get(0).migrationId()).isEqualTo("m1");
    }

    @Test
    void aFailedValidationFailsThePhaseAndTheMigrationIsRolledBack() {
        c.worker.validationProblems = List.of("3 rows without a ULID");
        RolloutRecord r = c.start(PLAN);
        c.worker.finishBackfill("m1", 10);
        c.driver.tick();

        RolloutRecord back = c.get(r.id());
        assertThat(back.state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(back.lastReason()).isEqualTo("phase jobs failed: validation of migration m1 on crackerjack.jobs failed: "
                + "3 rows without a ULID");
        assertThat(c.worker.migrations.get("m1").state()).isEqualTo(MigrationRun.State.ROLLED_BACK);
        assertThat(c.store.messages(r.id(), EventType.MIGRATION_STEP)).last()
                .isEqualTo("migration m1 on crackerjack.jobs rolled back (ROLLED_BACK)");
        assertThat(c.store.changes(r.id(), 0, 0).get(0).restored()).isTrue();
    }

    @Test
    void aMigrationTheWorkerFailedFailsThePhaseWithItsError() {
        RolloutRecord r = c.start(PLAN);
        c.worker.fail("m1", "disk full");
        c.driver.tick();

        assertThat(c.get(r.id()).lastReason()).isEqualTo("phase jobs failed: migration m1 on crackerjack.jobs is FAILED: disk full");
        assertThat(c.worker.calls).endsWith("rollback m1");
    }

    @Test
    void stepsTheWorkerHasDoneAlreadyAreNotAskedAgain() {
        RolloutRecord r = c.start("""
                name: contract
                phases:
                  - name: jobs
                    migrations: [ { target: t, table: jobs, key: id, ulid_column: u, steps: [expand, backfill, validate, contract] } ]
                """);
        c.worker.finishBackfill("m1", 5);
        c.worker.migrations.put("m1", c.worker.migrations.get("m1").in(MigrationRun.State.VALIDATED));
        c.driver.tick();

        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(c.worker.calls).containsExactly("create rollout-" + r.id().toLowerCase() + "-p0-a0-m0", "expand m1",
                "backfill m1", "contract m1");
    }
}
