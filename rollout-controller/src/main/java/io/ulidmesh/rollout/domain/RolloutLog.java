package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Saves a rollout's moves with their event and keeps its phase gauge at the phase it saved. */
public final class RolloutLog {
    /** The actor of every change the controller makes by itself, in its own log and on its peers. */
    public static final String CONTROLLER = "rollout-controller";
    private static final Logger LOG = Logger.getLogger(RolloutLog.class);

    private final RolloutStore store;
    private final MetricsPort metrics;

    public RolloutLog(RolloutStore store, MetricsPort metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** ", for OPERATOR": whom the controller acts for, named in the reason of each change it makes. */
    public String onBehalfOf(String rolloutId) {
        return onBehalfOf(store.lastOperator(rolloutId, CONTROLLER));
    }

    /** {@link #onBehalfOf(String)} for an operator already read. */
    static String onBehalfOf(Optional<String> operator) {
        return operator.map(actor -> ", for " + actor).orElse("");
    }

    /** Saves the rollout's own columns and {@code phases} with one event, in one transaction. */
    public void save(RolloutRecord r, List<PhaseRecord> phases, EventType type, String phase, String message, String actor) {
        save(r, phases, JournalMarks.none(phase), type, phase, message, actor);
    }

    /** {@link #save} with journal marks and their FLAG_SET events in the same transaction (a rollback's end). */
    public void save(RolloutRecord r, List<PhaseRecord> phases, JournalMarks marks, EventType type, String phase, String message,
                     String actor) {
        store.save(r, phases, marks, type, phase, message, actor);
        logged(r.id(), marks);
        if (r.state() == RolloutStatus.COMPLETED || r.state() == RolloutStatus.ABORTED) {
            metrics.ended(r.id());
        } else {
            metrics.phase(r.id(), r.name(), r.currentPhase());
        }
    }

    /** Saves the rollout moving to ROLLING_BACK, with the breach that fired it (null: none), in one transaction. */
    public RolloutStore.RollbackStart startRollback(RolloutRecord moved, String breachMessage, String message, String actor) {
        RolloutStore.RollbackStart start = store.startRollback(moved, breachMessage, message, actor);
        metrics.phase(moved.id(), moved.name(), moved.currentPhase());
        return start;
    }

    /** Records a phase attempt's journal, its baselines and the phase as APPLYING, before it changes anything. */
    public void beginPhase(RolloutRecord r, PhaseRecord applying, List<Change> journal, List<Baseline> baselines, String message) {
        store.beginPhase(r, applying, journal, baselines, message);
        metrics.phase(r.id(), r.name(), applying.idx());
    }

    /** Saves journal marks with their FLAG_SET events in one transaction. */
    public void marks(String rolloutId, JournalMarks marks) {
        store.updateChanges(rolloutId, marks, CONTROLLER);
        logged(rolloutId, marks);
    }

    private static void logged(String rolloutId, JournalMarks marks) {
        marks.flagSetMessages().forEach(m -> LOG.infof("rollout %s phase %s: %s", rolloutId, marks.phase(), m));
    }

    /** One event of the controller's own. */
    public void event(String rolloutId, EventType type, String phase, String message) {
        store.event(rolloutId, type, phase, message, CONTROLLER);
    }
}
