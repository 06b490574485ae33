package io.ulidmesh.migration.domain;

import static io.ulidmesh.migration.domain.Stage.BACKFILLED;
import static io.ulidmesh.migration.domain.Stage.BACKFILLING;
import static io.ulidmesh.migration.domain.Stage.CONTRACTED;
import static io.ulidmesh.migration.domain.Stage.CREATED;
import static io.ulidmesh.migration.domain.Stage.EXPANDED;
import static io.ulidmesh.migration.domain.Stage.PAUSED;
import static io.ulidmesh.migration.domain.Stage.ROLLED_BACK;
import static io.ulidmesh.migration.domain.Stage.VALIDATED;

import io.ulidmesh.common.error.DomainException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The state machine. A step whose effect is already in place is a no-op (so callers such as the
 * rollout-controller can retry after a crash); a step whose prerequisite is missing is
 * FAILED_PRECONDITION. After a failure the settled state decides, so the failed step can be retried.
 */
public final class Steps {
    /** What to do with a step request. */
    public enum Decision { RUN, ALREADY_DONE }

    private static final Set<Stage> BACKFILL_STARTED_OR_LATER =
            EnumSet.of(BACKFILLING, BACKFILLED, VALIDATED, CONTRACTED);

    private Steps() {
    }

    public static Decision decide(MigrationRecord migration, Step step) {
        Stage state = migration.effectiveState();
        boolean failed = migration.state() == Stage.FAILED;
        if (step == Step.ROLLBACK) {
            return state == ROLLED_BACK && !failed ? Decision.ALREADY_DONE : Decision.RUN;
        }
        if (state == ROLLED_BACK) {
            throw refuse(migration, step, "it was rolled back; create a new migration");
        }
        return switch (step) {
            case EXPAND -> state == CREATED ? Decision.RUN : Decision.ALREADY_DONE;
            case BACKFILL -> {
                // From BACKFILLED or VALIDATED it runs again as a catch-up for rows the old code inserted since.
                if (state == EXPANDED || state == BACKFILLED || state == VALIDATED) {
                    yield Decision.RUN;
                }
                if (state == CREATED) {
                    throw refuse(migration, step, "Expand has not run");
                }
                if (state == PAUSED) {
                    throw refuse(migration, step, "its backfill is paused; call Resume");
                }
                yield Decision.ALREADY_DONE;
            }
            case PAUSE -> {
                if (state == BACKFILLING) {
                    yield Decision.RUN;
                }
                if (state == PAUSED) {
                    yield Decision.ALREADY_DONE;
                }
                throw refuse(migration, step, "no backfill is running");
            }
            case RESUME -> {
                if (state == PAUSED) {
                    yield Decision.RUN;
                }
                if (BACKFILL_STARTED_OR_LATER.contains(state)) {
                    yield Decision.ALREADY_DONE;
                }
                throw refuse(migration, step, "no backfill is paused");
            }
            case VALIDATE -> {
                if (state == BACKFILLED || state == VALIDATED || state == CONTRACTED) {
                    yield Decision.RUN;
                }
                throw refuse(migration, step, "the backfill has not finished");
            }
            case CONTRACT -> {
                if (state == VALIDATED) {
                    yield Decision.RUN;
                }
                if (state == CONTRACTED) {
                    yield Decision.ALREADY_DONE;
                }
                throw refuse(migration, step, "Contract needs a passed validation first");
            }
            case ROLLBACK -> throw new IllegalStateException("handled above");
        };
    }

    private static DomainException refuse(MigrationRecord migration, Step step, String why) {
        return DomainException.failedPrecondition(step.label() + " of migration " + migration.id() + " refused: state is "
                + migration.state() + (migration.state() == Stage.FAILED ? " (after " + migration.settledState() + ")" : "")
                + " and " + why);
    }
}
