package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.plan.MigrationStep;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import io.ulidmesh.rollout.domain.port.MigrationPort;
import io.ulidmesh.rollout.domain.port.MigrationRun;
import io.ulidmesh.rollout.domain.port.MigrationRun.State;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import io.ulidmesh.rollout.domain.port.ValidationOutcome;
import java.util.Locale;

/**
 * Runs a phase's migrations on the worker, one step at a time, and rolls them back. Each journal
 * entry names its migration (created under a name derived from rollout, phase and attempt, so it is
 * found again after a crash and never created twice) and counts its steps done.
 */
public final class MigrationDriver {
    private final MigrationPort worker;
    private final RolloutStore store;
    private final RolloutLog log;

    public MigrationDriver(MigrationPort worker, RolloutStore store, RolloutLog log) {
        this.worker = worker;
        this.store = store;
        this.log = log;
    }

    /** The worker's name of a phase attempt's {@code m}-th migration. */
    static String name(String rolloutId, PhaseRecord p, int m) {
        return "rollout-" + rolloutId.toLowerCase(Locale.ROOT) + "-p" + p.idx() + "-a" + p.attempt() + "-m" + m;
    }

    /** Moves one migration of a phase on; false while it waits for the worker (a backfill running). */
    boolean advance(RolloutRecord r, PhaseRecord p, PlannedMigration planned, Change ch, String reason) {
        String where = planned.target() + "." + planned.table();
        Change c = ch;
        if (c.migrationId() == null) {
            MigrationRun m = worker.find(planned.target(), c.subject()).orElseGet(() -> worker.create(ch.subject(), planned));
            c = c.withMigrationId(m.id());
            store.updateChange(c);
            log.event(r.id(), EventType.MIGRATION_STEP, p.name(), "migration " + m.id() + " on " + where + " created");
        }
        while (c.stepsDone() < planned.steps().size()) {
            MigrationStep step = planned.steps().get(c.stepsDone());
            MigrationRun m = worker.get(c.migrationId());
            State state = m.state();
            if (state == State.FAILED || state == State.ROLLED_BACK) {
                throw new StepFailure("migration " + m.id() + " on " + where + " is " + state
                        + (m.lastError().isEmpty() ? "" : ": " + m.lastError()));
            }
            int progress = state.progress();
            String detail;
            switch (step) {
                case EXPAND -> {
                    if (progress < State.EXPANDED.progress()) {
                        worker.expand(m.id(), reason);
                    }
                    detail = "expanded";
                }
                case BACKFILL -> {
                    if (state == State.EXPANDED) {
                        worker.backfill(m.id(), reason);
                        log.event(r.id(), EventType.MIGRATION_STEP, p.name(), "migration " + m.id() + " backfill started");
                        return false;
                    }
                    if (progress < State.BACKFILLED.progress()) {
                        return false;
                    }
                    detail = "backfilled " + m.rowsBackfilled() + " rows";
                }
                case VALIDATE -> {
                    if (progress < State.VALIDATED.progress()) {
                        ValidationOutcome report = worker.validate(m.id(), reason);
                        if (!report.passed()) {
                            throw new StepFailure("validation of migration " + m.id() + " on " + where + " failed: "
                                    + String.join("; ", report.problems()));
                        }
                        detail = "validated " + report.rows() + " rows";
                    } else {
                        detail = "validated";
                    }
                }
                default -> {
                    if (progress < State.CONTRACTED.progress()) {
                        worker.contract(m.id(), reason);
                    }
                    detail = "contracted";
                }
            }
            c = c.withStepsDone(c.stepsDone() + 1);
            store.updateChange(c);
            log.event(r.id(), EventType.MIGRATION_STEP, p.name(), "migration " + m.id() + " on " + where + ": " + step.text()
                    + " done (" + detail + ")");
        }
        store.updateChange(c.markApplied());
        return true;
    }

    /** Rolls a journaled migration back on the worker (unless it never got created or is rolled back already) and marks the entry restored. */
    void undo(RolloutRecord r, PhaseRecord p, PlannedMigration planned, Change ch, String reason) {
        String id = ch.migrationId() != null ? ch.migrationId()
                : worker.find(planned.target(), ch.subject()).map(MigrationRun::id).orElse(null);
        if (id != null && worker.get(id).state() != State.ROLLED_BACK) {
            MigrationRun m = worker.rollback(id, reason);
            log.event(r.id(), EventType.MIGRATION_STEP, p.name(), "migration " + id + " on " + planned.target() + "."
                    + planned.table() + " rolled back (" + m.state() + ")");
        }
        store.updateChange(ch.markRestored());
    }
}
