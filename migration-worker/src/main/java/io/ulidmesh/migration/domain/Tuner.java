package io.ulidmesh.migration.domain;

import io.ulidmesh.common.error.DomainException;
import org.jboss.logging.Logger;

/**
 * Tune: a migration's batch size and throttle changed while it runs (gh-ost's interactive
 * commands). Stored first, so a resumed backfill keeps them, then handed to the running backfill,
 * which uses them from its next batch.
 */
public class Tuner {
    private static final Logger LOG = Logger.getLogger(Tuner.class);

    private final Transitions transitions;
    private final MigrationRepository repository;
    private final Backfills backfills;
    private final MigrationListener listener;

    public Tuner(Transitions transitions, MigrationRepository repository, Backfills backfills, MigrationListener listener) {
        this.transitions = transitions;
        this.repository = repository;
        this.backfills = backfills;
        this.listener = listener;
    }

    /** {@code maxRowsPerSecond} or {@code batchSize} null: kept as it is. */
    public MigrationRecord tune(String id, Integer maxRowsPerSecond, Integer batchSize, String actor, String reason) {
        return transitions.locked(id, () -> {
            MigrationRecord m = transitions.get(id);
            Stage state = m.effectiveState();
            if (state == Stage.CONTRACTED || state == Stage.ROLLED_BACK) {
                throw DomainException.failedPrecondition("tune of migration " + id + " refused: state is " + m.state()
                        + " and nothing is left to backfill");
            }
            UlidColumnSpec old = m.spec();
            UlidColumnSpec tuned = new UlidColumnSpec(old.name(), old.target(), old.table(), old.keyColumn(), old.ulidColumn(),
                    old.legacyColumn(), old.timestampColumn(), batchSize == null ? old.batchSize() : batchSize,
                    maxRowsPerSecond == null ? old.maxRowsPerSecond() : maxRowsPerSecond).validated();
            String detail = "batch_size " + old.batchSize() + " -> " + tuned.batchSize() + ", max_rows_per_second "
                    + old.maxRowsPerSecond() + " -> " + tuned.maxRowsPerSecond();
            if (!repository.tune(id, m.state(), tuned.batchSize(), tuned.maxRowsPerSecond(), new Change("tune", actor, reason, detail))) {
                throw DomainException.conflict("migration " + id + " changed state meanwhile; read it again and retry");
            }
            backfills.retune(id, tuned.batchSize(), tuned.maxRowsPerSecond());
            listener.tuned(old.target());
            LOG.infof("migration %s tune by %s: %s%s", id, actor, detail, reason == null || reason.isBlank() ? "" : " (reason: " + reason + ")");
            return transitions.get(id);
        });
    }
}
