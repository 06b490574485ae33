package io.ulidmesh.migration.domain;

import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableInfo;
import io.ulidmesh.migration.domain.target.TableRef;
import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetRegistry;
import io.ulidmesh.migration.domain.target.TargetSession;
import io.ulidmesh.migration.domain.target.TargetSession.UlidCounts;
import java.util.List;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Expand, Validate, Contract and Rollback: each runs under the migration's lock on one session with
 * the target. A step whose effect is in place returns the migration unchanged; a step the target
 * fails leaves the migration FAILED with the engine's message (see {@link Transitions#fail}).
 */
public class StepRunner {
    private static final Logger LOG = Logger.getLogger(StepRunner.class);

    private final Transitions transitions;
    private final TargetRegistry targets;
    private final Backfills backfills;
    private final MigrationListener listener;
    private final double tolerancePercent;
    private final LockRetry lockRetry;

    /** {@code tolerancePercent}: how far below the Expand baseline the row count may fall and Validate still pass. */
    public StepRunner(Transitions transitions, TargetRegistry targets, Backfills backfills, MigrationListener listener,
                      double tolerancePercent, LockRetry lockRetry) {
        this.transitions = transitions;
        this.targets = targets;
        this.backfills = backfills;
        this.listener = listener;
        this.tolerancePercent = tolerancePercent;
        this.lockRetry = lockRetry;
    }

    public MigrationRecord expand(String id, String actor, String reason) {
        return onTarget(id, Step.EXPAND, actor, m -> m, (stored, session) -> {
            TableRef t = stored.ref();
            boolean present = session.describe(t.table()).flatMap(info -> info.column(t.ulid())).isPresent();
            // Present already (an earlier attempt): the write-sync may still be missing.
            runAll(stored, session, present ? session.sql().writeSync(t) : session.sql().expand(t));
            long baseline = session.countRows(t);
            transitions.move(stored.migration(), Stage.EXPANDED, Stage.EXPANDED, baseline, Step.EXPAND, actor, reason,
                    "baseline " + baseline + " rows");
            return transitions.get(id);
        });
    }

    public ValidationResult validate(String id, String actor, String reason) {
        return onTarget(id, Step.VALIDATE, actor, m -> {
            throw new IllegalStateException("Validate always runs");
        }, (stored, session) -> {
            MigrationRecord m = stored.migration();
            if (session.sql().followsAppends() && m.effectiveState() != Stage.CONTRACTED) {
                // No trigger here: the last catch-up, on this session, which holds the file, so no
                // append slips in between it and the count.
                backfills.catchUp(stored, session);
            }
            UlidCounts c = session.countUlids(stored.ref());
            ValidationResult result = ValidationResult.of(m.baselineRows(), c.rows(), c.rows() - c.nulls() - c.invalid(),
                    c.invalid(), c.nulls(), c.duplicates(), tolerancePercent);
            listener.validated(m.spec().target(), result.passed());
            String detail = "rows " + c.rows() + " (baseline " + m.baselineRows() + "), valid " + result.valid() + ", invalid "
                    + c.invalid() + ", nulls " + c.nulls() + ", duplicates " + c.duplicates()
                    + (result.passed() ? ": passed" : ": " + String.join("; ", result.problems()));
            if (m.effectiveState() != Stage.CONTRACTED) {
                Stage next = result.passed() ? Stage.VALIDATED : Stage.BACKFILLED;
                transitions.move(m, next, next, null, Step.VALIDATE, actor, reason, detail);
            } else {
                LOG.infof("migration %s validate (after contract) by %s: %s", id, actor, detail);
            }
            return result;
        });
    }

    public MigrationRecord contract(String id, String actor, String reason) {
        return onTarget(id, Step.CONTRACT, actor, m -> m, (stored, session) -> {
            TableRef t = stored.ref();
            boolean legacyPresent = t.hasLegacy() && session.describe(t.table()).flatMap(info -> info.column(t.legacy())).isPresent();
            List<String> dependents = legacyPresent ? session.legacyDependents(t) : List.of();
            if (!dependents.isEmpty()) {
                String problem = "legacy column '" + t.legacy() + "', which Contract drops, is in use: "
                        + String.join("; ", dependents) + "; drop or change that first (Rollback would not recreate it)";
                LOG.warnf("migration %s contract by %s refused, nothing changed: %s", id, actor, AuditText.escape(problem));
                throw DomainException.failedPrecondition("contract of migration " + id + " refused, nothing changed: " + problem);
            }
            // Rows the old code inserted since validation get their ULID first, or NOT NULL would fail.
            backfills.catchUp(transitions.stored(id), session);
            runAll(stored, session, session.repairs(t));
            runAll(stored, session, session.sql().contract(t, legacyPresent));
            transitions.move(stored.migration(), Stage.CONTRACTED, Stage.CONTRACTED, null, Step.CONTRACT, actor, reason,
                    t.hasLegacy() ? "legacy column archived in " + t.archiveTable() : "");
            return transitions.get(id);
        });
    }

    public MigrationRecord rollback(String id, String actor, String reason) {
        if (reason == null || reason.isBlank()) {
            throw DomainException.invalid("reason is required for Rollback");
        }
        backfills.stopForStep(id, Step.ROLLBACK, actor, reason);
        return onTarget(id, Step.ROLLBACK, actor, m -> m, (stored, session) -> {
            TableRef t = stored.ref();
            String target = stored.migration().spec().target();
            TableInfo info = session.describe(t.table()).orElseThrow(() ->
                    DomainException.failedPrecondition("table '" + t.table() + "' no longer exists on target '" + target + "'"));
            boolean restore = t.hasLegacy() && info.column(t.legacy()).isEmpty();
            if (restore && !session.hasTable(t.archiveTable())) {
                throw DomainException.failedPrecondition("legacy column '" + t.legacy() + "' is missing and its archive "
                        + t.archiveTable() + " too; refusing to drop the ULID column, the only identifier left");
            }
            // NOT NULL comes back only when every row has an archived value (rows inserted after Contract have none).
            boolean restoreNotNull = restore && t.legacyNotNull() && session.everyRowArchived(t);
            runAll(stored, session, session.sql().rollback(t, restore, restoreNotNull, info.column(t.ulid()).isPresent()));
            transitions.move(stored.migration(), Stage.ROLLED_BACK, Stage.ROLLED_BACK, null, Step.ROLLBACK, actor, reason,
                    restore ? "legacy column restored from " + t.archiveTable() + " (then dropped)" : "");
            return transitions.get(id);
        });
    }

    /** A step's work with the migration as stored and an open session on its target. */
    @FunctionalInterface
    private interface OnTarget<T> {
        T run(StoredMigration stored, TargetSession session) throws InterruptedException;
    }

    /**
     * Under the migration's lock: {@code ifDone} when the step's effect is already in place, else
     * {@code work} on a session with the target. The target failing it leaves the migration FAILED.
     */
    private <T> T onTarget(String id, Step step, String actor, Function<MigrationRecord, T> ifDone, OnTarget<T> work) {
        return transitions.locked(id, () -> {
            StoredMigration stored = transitions.stored(id);
            MigrationRecord m = stored.migration();
            if (Steps.decide(m, step) == Steps.Decision.ALREADY_DONE) {
                return ifDone.apply(m);
            }
            try (TargetSession session = targets.open(m.spec().target())) {
                return work.run(stored, session);
            } catch (TargetFailure e) {
                throw transitions.fail(m, step, actor, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw transitions.fail(m, step, actor, e);
            }
        });
    }

    /** Each group in order; one whose DDL did not get its lock is retried ({@link LockRetry}). */
    private void runAll(StoredMigration stored, TargetSession session, List<SqlGroup> groups) throws InterruptedException {
        String id = stored.migration().id();
        for (SqlGroup group : groups) {
            LOG.infof("migration %s: %s", id, group.purpose());
            lockRetry.run(id, stored.migration().spec().target(), stored.ref(), session, group,
                    sql -> LOG.infof("migration %s SQL: %s", id, sql));
        }
    }
}
