package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.RolloutRecord.RollbackKind;
import io.ulidmesh.rollout.domain.plan.Durations;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import io.ulidmesh.rollout.domain.plan.MigrationStep;
import io.ulidmesh.rollout.domain.plan.NoDataPolicy;
import io.ulidmesh.rollout.domain.plan.PhaseSpec;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import io.ulidmesh.rollout.domain.plan.RuleSpec;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.Leadership;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Takes each active rollout as far as it can go: pulls its signals when due, then journals,
 * applies, bakes and completes its phases, or undoes them while it rolls back. State is in the
 * store: before a phase changes anything its journal is committed, and each change is marked
 * applied (or restored) as it happens, so a restarted controller picks up where the last one stopped.
 */
public final class RolloutDriver {
    private static final Logger LOG = Logger.getLogger(RolloutDriver.class);
    private static final List<RolloutStatus> ACTIVE = List.of(RolloutStatus.RUNNING, RolloutStatus.ROLLING_BACK);
    /** Steps one call of {@link #advance} takes at most, so that one rollout cannot hold the engine thread. */
    private static final int MAX_STEPS = 50;

    private final RolloutStore store;
    private final RolloutLog log;
    private final Plans plans;
    private final Leadership leadership;
    private final FlagWriter flags;
    private final MigrationDriver migrations;
    private final SignalMonitor signals;
    private final RollbackRunner rollback;
    private final Set<String> transientlyFailing = ConcurrentHashMap.newKeySet();

    public RolloutDriver(RolloutStore store, RolloutLog log, Plans plans, Leadership leadership, FlagWriter flags,
                         MigrationDriver migrations, SignalMonitor signals, RollbackRunner rollback) {
        this.store = store;
        this.log = log;
        this.plans = plans;
        this.leadership = leadership;
        this.flags = flags;
        this.migrations = migrations;
        this.signals = signals;
        this.rollback = rollback;
    }

    /** One round over every active rollout; a standby forgets what it held in memory instead. */
    public void tick() {
        if (!leadership.isLeader()) {
            plans.clear();
            signals.forgetAll();
            return;
        }
        try {
            for (String id : store.idsIn(ACTIVE)) {
                advance(id);
            }
        } catch (RuntimeException e) {
            LOG.warnf("engine tick failed: %s", e.getMessage());
        }
    }

    /** Begins a rollback of {@code r} (as just read) and takes it as far as it goes now. */
    void rollBack(RolloutRecord r, RollbackKind kind, String reason, String actor, String metricReason) {
        advance(r.id(), rollback.begin(r, kind, reason, actor, metricReason));
    }

    /** Rolls back the phase of {@code r} (as just read) whose rule fired, and takes the rollback as far as it goes now. */
    void rollBack(RolloutRecord r, SignalMonitor.Breach breach) {
        advance(r.id(), rollback.begin(r, breach));
    }

    /** Takes a rollout as far as it can go now. A peer that is down makes it wait; any other failure fails the step. */
    void advance(String id) {
        advance(id, null);
    }

    /**
     * {@link #advance}, where {@code saved} (null: none) is the rollout as this thread has just saved
     * it: the first step starts from it instead of reading it again, which a rollback's first undo
     * would otherwise wait for.
     */
    private void advance(String id, RolloutRecord saved) {
        int budget = MAX_STEPS;
        RolloutRecord known = saved;
        while (budget-- > 0) {
            try {
                RolloutRecord r = known == null ? store.get(id) : known;
                known = null;
                if (!step(r)) {
                    transientlyFailing.remove(id);
                    return;
                }
            } catch (PeerFailure | StepFailure e) {
                if (e instanceof PeerFailure peer && peer.isTransient()) {
                    if (transientlyFailing.add(id)) {
                        LOG.warnf("rollout %s waits for a peer: %s", id, e.getMessage());
                    }
                    return;
                }
                if (!failStep(id, e.getMessage())) {
                    return;
                }
                budget = MAX_STEPS; // the rollback that began gets steps of its own
            }
        }
    }

    /** One unit of progress; false when there is nothing to do now. */
    private boolean step(RolloutRecord r) {
        if (r.state() == RolloutStatus.ROLLING_BACK) {
            return rollback.step(r);
        }
        if (r.state() != RolloutStatus.RUNNING) {
            return false;
        }
        Plan plan = plans.of(r);
        if (signals.pullDue(r, plan)) {
            Optional<SignalMonitor.Breach> breach = signals.pullAll(r, plan);
            if (breach.isPresent()) {
                rollback.begin(r, breach.get());
                return true;
            }
        }
        PhaseRecord p = r.current();
        PhaseSpec spec = plan.phases().get(p.idx());
        return switch (p.state()) {
            case PENDING -> beginPhase(r, plan, spec, p);
            case APPLYING -> applyPhase(r, spec, p);
            case BAKING -> completeIfBaked(r, plan, spec, p);
            default -> false;
        };
    }

    /**
     * Reads every flag the phase sets and takes its rules' baselines, and commits that journal, with
     * the phase as APPLYING, before anything changes. A rule without a baseline is recorded as
     * SIGNAL_NO_DATA: it follows its signal's on_no_data for the whole attempt.
     */
    private boolean beginPhase(RolloutRecord r, Plan plan, PhaseSpec spec, PhaseRecord p) {
        Instant at = Instant.now();
        List<Baseline> baselines = signals.baselines(plan, at);
        List<Change> journal = new ArrayList<>();
        int pos = 0;
        StringBuilder what = new StringBuilder();
        for (Map.Entry<String, FlagValue> f : spec.flags().entrySet()) {
            Optional<FlagState> before = flags.read(f.getKey());
            journal.add(Change.flag(r.id(), p.idx(), p.attempt(), pos++, f.getKey(), before.isPresent(),
                    before.map(FlagState::basisPoints).orElse(null), before.map(FlagState::version).orElse(null),
                    f.getValue().basisPoints()));
            what.append(what.isEmpty() ? "" : ", ").append(f.getKey()).append(' ').append(FlagState.text(before))
                    .append(" -> ").append(f.getValue().text());
        }
        for (int m = 0; m < spec.migrations().size(); m++) {
            PlannedMigration planned = spec.migrations().get(m);
            journal.add(Change.migration(r.id(), p.idx(), p.attempt(), pos++, MigrationDriver.name(r.id(), p, m), m));
            what.append(what.isEmpty() ? "" : ", ").append("migration ").append(planned.target()).append('.')
                    .append(planned.table()).append(' ').append(planned.steps().stream().map(MigrationStep::text).toList());
        }
        for (Baseline b : baselines) {
            what.append(what.isEmpty() ? "" : ", ").append("baseline of rule '").append(plan.rules().get(b.ruleIdx()).describe())
                    .append("': ").append(b.text());
        }
        log.beginPhase(r, p.started(at), journal, baselines, "phase " + p.name() + " attempt " + (p.attempt() + 1)
                + " starts: " + (what.isEmpty() ? "no changes" : what));
        signals.attemptBegun(r.id());
        LOG.infof("rollout %s phase %s started: %s", r.id(), p.name(), what);
        for (Baseline b : baselines.stream().filter(b -> b.value() == null).toList()) {
            RuleSpec rule = plan.rules().get(b.ruleIdx());
            NoDataPolicy policy = plan.signal(rule.signal()).orElseThrow().onNoData();
            log.event(r.id(), EventType.SIGNAL_NO_DATA, p.name(), "rule '" + rule.describe() + "' has no baseline in this phase attempt ("
                    + b.detail() + "); policy " + policy.name().toLowerCase(Locale.ROOT)
                    + (policy == NoDataPolicy.BREACH ? ": each value counts as a breach" : ": the rule is not evaluated"));
        }
        return true;
    }

    /** Applies the journal's changes not yet applied, flags and migrations in plan order; false while a migration waits. */
    private boolean applyPhase(RolloutRecord r, PhaseSpec spec, PhaseRecord p) {
        String reason = "rollout " + r.name() + " (" + r.id() + ") phase " + p.name() + log.onBehalfOf(r.id());
        List<Change> journal = store.changes(r.id(), p.idx(), p.attempt());
        // the phase's flags change together (one SetFlags), before its migrations, as the journal orders them
        flags.applyAll(r, p, journal.stream().filter(ch -> ch.kind() == Change.Kind.FLAG && !ch.applied()).toList(), reason);
        for (Change ch : journal) {
            if (ch.applied() || ch.kind() == Change.Kind.FLAG) {
                continue;
            }
            if (!migrations.advance(r, p, spec.migrations().get(ch.migrationIndex()), ch, reason)) {
                return false;
            }
        }
        Duration bake = spec.bake();
        log.save(r, List.of(p.withState(PhaseStatus.BAKING).withBake(Instant.now().plus(bake), null)), EventType.PHASE_BAKING,
                p.name(), "phase " + p.name() + " applied; " + (spec.manualGate() ? "waiting at its manual gate for PromoteRollout"
                        + (bake.isZero() ? "" : " and baking " + Durations.format(bake)) : "baking " + Durations.format(bake)),
                RolloutLog.CONTROLLER);
        return true;
    }

    /** Completes the phase once its gate is passed, its bake is over and every pulled signal has data. */
    private boolean completeIfBaked(RolloutRecord r, Plan plan, PhaseSpec spec, PhaseRecord p) {
        if (spec.manualGate() && !p.gatePassed()) {
            return false;
        }
        if (p.bakeUntil() != null && Instant.now().isBefore(p.bakeUntil())) {
            return false;
        }
        if (signals.waitingForData(r.id())) {
            return false;
        }
        PhaseRecord done = p.finished(PhaseStatus.COMPLETED, Instant.now());
        boolean last = p.idx() == plan.phases().size() - 1;
        log.save(r.moved(r.state(), r.currentPhase() + (last ? 0 : 1), r.lastReason(), null), List.of(done),
                EventType.PHASE_COMPLETED, p.name(), "phase " + p.name() + " completed", RolloutLog.CONTROLLER);
        signals.forget(r.id());
        LOG.infof("rollout %s phase %s completed", r.id(), p.name());
        if (last) {
            log.save(store.get(r.id()).moved(RolloutStatus.COMPLETED, p.idx(), "every phase completed", null), List.of(),
                    EventType.COMPLETED, "", "rollout " + r.name() + " completed", RolloutLog.CONTROLLER);
            LOG.infof("rollout %s (%s) completed", r.id(), r.name());
        }
        return true;
    }

    /**
     * A step that cannot succeed: the phase is rolled back (true: go on with the rollback), or, when
     * it was the rollback that failed, the rollout is FAILED for an operator (false).
     */
    private boolean failStep(String id, String message) {
        RolloutRecord r = store.get(id);
        String phase = r.currentPhaseName();
        if (r.state() == RolloutStatus.ROLLING_BACK) {
            PhaseRecord p = r.current();
            log.save(r.moved(RolloutStatus.FAILED, r.currentPhase(), "rollback failed: " + message, null),
                    p == null ? List.of() : List.of(p.withState(PhaseStatus.FAILED)), EventType.FAILED, phase,
                    "rollback failed and needs an operator: " + message, RolloutLog.CONTROLLER);
            LOG.errorf("rollout %s failed during rollback: %s", id, message);
            return false;
        }
        log.event(id, EventType.FAILED, phase, "phase " + phase + " failed: " + message);
        LOG.warnf("rollout %s phase %s failed: %s", id, phase, message);
        rollback.begin(r, RollbackKind.PHASE, "phase " + phase + " failed: " + message, RolloutLog.CONTROLLER, "failure");
        return true;
    }
}
