package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import java.util.List;

/** Saves a rollout's moves with their event and keeps its phase gauge at the phase it saved. */
public final class RolloutLog {
    /** The actor of every change the controller makes by itself, in its own log and on its peers. */
    public static final String CONTROLLER = "rollout-controller";

    private final RolloutStore store;
    private final MetricsPort metrics;

    public RolloutLog(RolloutStore store, MetricsPort metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** Saves the rollout's own columns and {@code phases} with one event, in one transaction. */
    /** ", for OPERATOR": whom the controller acts for, named in the reason of each change it makes. */
    public String onBehalfOf(String rolloutId) {
        return store.lastOperator(rolloutId, CONTROLLER).map(actor -> ", for " + actor).orElse("");
    }

    public void save(RolloutRecord r, List<PhaseRecord> phases, EventType type, String phase, String message, String actor) {
        store.save(r, phases, type, phase, message, actor);
        if (r.state() == RolloutStatus.COMPLETED || r.state() == RolloutStatus.ABORTED) {
            metrics.ended(r.id());
        } else {
            metrics.phase(r.id(), r.name(), r.currentPhase());
        }
    }

    /** Saves the rollout moving to ROLLING_BACK, with the breach that fired it (null: none), in one transaction. */
    public void startRollback(RolloutRecord moved, String breachMessage, String message, String actor) {
        store.startRollback(moved, breachMessage, message, actor);
        metrics.phase(moved.id(), moved.name(), moved.currentPhase());
    }

    /** Records a phase attempt's journal, its baselines and the phase as APPLYING, before it changes anything. */
    public void beginPhase(RolloutRecord r, PhaseRecord applying, List<Change> journal, List<Baseline> baselines, String message) {
        store.beginPhase(r, applying, journal, baselines, message);
        metrics.phase(r.id(), r.name(), applying.idx());
    }

    /** One event of the controller's own. */
    public void event(String rolloutId, EventType type, String phase, String message) {
        store.event(rolloutId, type, phase, message, CONTROLLER);
    }
}
