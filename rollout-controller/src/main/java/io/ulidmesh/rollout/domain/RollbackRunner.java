package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.RolloutRecord.RollbackKind;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Undoes phases: the current one (a breach, a failed step, RollbackRollout), stopping at the
 * previous phase as ROLLED_BACK, or every applied one (AbortRollout). Each phase's journal is undone
 * in reverse and each entry marked restored as it is, so a retry after a crash undoes nothing twice.
 */
public final class RollbackRunner {
    private static final Logger LOG = Logger.getLogger(RollbackRunner.class);

    private final RolloutStore store;
    private final RolloutLog log;
    private final Plans plans;
    private final FlagWriter flags;
    private final MigrationDriver migrations;
    private final SignalMonitor signals;
    private final MetricsPort metrics;
    private final Map<String, Long> detectedAtNanos = new ConcurrentHashMap<>();
    /** What each rollback's start read for its first undo, taken by that undo. */
    private final Map<String, RolloutStore.RollbackStart> starts = new ConcurrentHashMap<>();

    public RollbackRunner(RolloutStore store, RolloutLog log, Plans plans, FlagWriter flags, MigrationDriver migrations,
                          SignalMonitor signals, MetricsPort metrics) {
        this.store = store;
        this.log = log;
        this.plans = plans;
        this.flags = flags;
        this.migrations = migrations;
        this.signals = signals;
        this.metrics = metrics;
    }

    /** Moves the rollout to ROLLING_BACK and returns it as saved; the steps that undo it follow in {@link #step}. */
    RolloutRecord begin(RolloutRecord r, RollbackKind kind, String reason, String actor, String metricReason) {
        return begin(r, kind, reason, actor, metricReason, null);
    }

    /** {@link #begin}, writing the SIGNAL_BREACHED event of the rule that fired the rollback ({@code breach}) in the same transaction. */
    private RolloutRecord begin(RolloutRecord r, RollbackKind kind, String reason, String actor, String metricReason, String breach) {
        metrics.rollback(metricReason);
        String phase = r.currentPhaseName();
        RolloutRecord moved = r.moved(RolloutStatus.ROLLING_BACK, r.currentPhase(), reason, kind);
        starts.put(r.id(), log.startRollback(moved, breach,
                (kind == RollbackKind.ABORT ? "abort: undoing every phase: " : "rolling back phase " + phase + ": ") + reason, actor));
        signals.forgetInMemory(r.id());
        LOG.infof("rollout %s %s: %s", r.id(), kind == RollbackKind.ABORT ? "abort started" : "rollback of phase " + phase
                + " started", reason);
        return moved;
    }

    /** A rollback a signal's rule began; the time from the breaching value to the undone phase is measured. */
    RolloutRecord begin(RolloutRecord r, SignalMonitor.Breach breach) {
        detectedAtNanos.put(r.id(), breach.detectedNanos());
        return begin(r, RollbackKind.PHASE, breach.reason(), RolloutLog.CONTROLLER, "signal", breach.reason());
    }

    /** Undoes one phase; false when the rollback is done. */
    boolean step(RolloutRecord r) {
        if (r.rollbackKind() == RollbackKind.ABORT) {
            for (int i = r.phases().size() - 1; i >= 0; i--) {
                PhaseRecord p = r.phase(i);
                if (p.state().touched()) {
                    log.save(r, List.of(p.finished(PhaseStatus.ROLLED_BACK, Instant.now())), undo(r, p), EventType.PHASE_ROLLED_BACK,
                            p.name(), "phase " + p.name() + " undone: " + r.lastReason(), RolloutLog.CONTROLLER);
                    return true;
                }
            }
            log.save(r.moved(RolloutStatus.ABORTED, -1, r.lastReason(), null), List.of(), EventType.ABORTED, "",
                    "rollout " + r.name() + " aborted; every phase undone: " + r.lastReason(), RolloutLog.CONTROLLER);
            LOG.infof("rollout %s aborted: %s", r.id(), r.lastReason());
            return false;
        }
        PhaseRecord p = r.current();
        String name = p == null ? "" : p.name();
        JournalMarks restored = p == null ? JournalMarks.none(name) : undo(r, p);
        int back = r.currentPhase() - 1;
        log.save(r.moved(RolloutStatus.ROLLED_BACK, back, r.lastReason(), null),
                p == null ? List.of() : List.of(p.finished(PhaseStatus.ROLLED_BACK, Instant.now())), restored, EventType.PHASE_ROLLED_BACK,
                name, "phase " + name + " rolled back; stopped at " + (back < 0 ? "the start" : "phase " + r.phase(back).name())
                        + ": " + r.lastReason(), RolloutLog.CONTROLLER);
        Long detected = detectedAtNanos.remove(r.id());
        if (detected != null) {
            metrics.detection(Duration.ofNanos(System.nanoTime() - detected));
        }
        LOG.infof("rollout %s phase %s rolled back: %s", r.id(), name, r.lastReason());
        return false;
    }

    /**
     * Undoes a phase attempt's journal in reverse order, skipping entries already restored: its
     * migrations one by one, each marked as it is undone, then its flags in one write, whose marks
     * are returned to be saved with the phase rolled back.
     */
    private JournalMarks undo(RolloutRecord r, PhaseRecord p) {
        // the rollback's start read this phase's journal and operator if it began in it and nothing was undone since
        RolloutStore.RollbackStart start = starts.remove(r.id());
        boolean started = start != null && start.phaseIdx() == p.idx() && start.attempt() == p.attempt();
        String reason = "rollback of rollout " + r.name() + " (" + r.id() + ") phase " + p.name()
                + (started ? RolloutLog.onBehalfOf(start.lastOperator()) : log.onBehalfOf(r.id())) + ": " + r.lastReason();
        List<Change> journal = new ArrayList<>(started ? start.journal() : store.changes(r.id(), p.idx(), p.attempt()));
        Collections.reverse(journal);
        for (Change ch : journal) {
            if (!ch.restored() && ch.kind() == Change.Kind.MIGRATION) {
                PlannedMigration planned = plans.of(r).phases().get(p.idx()).migrations().get(ch.migrationIndex());
                migrations.undo(r, p, planned, ch, reason);
            }
        }
        // then the phase's flags, together (one SetFlags), as they were before it
        return flags.restoreAll(r, p, journal.stream().filter(ch -> !ch.restored() && ch.kind() == Change.Kind.FLAG).toList(), reason);
    }
}
