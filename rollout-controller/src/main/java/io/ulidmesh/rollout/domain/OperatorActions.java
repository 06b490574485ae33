package io.ulidmesh.rollout.domain;

import com.github.f4b6a3.ulid.UlidCreator;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.RolloutRecord.RollbackKind;
import io.ulidmesh.common.text.InputText;
import io.ulidmesh.rollout.domain.plan.Durations;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import io.ulidmesh.rollout.domain.plan.SignalSource;
import io.ulidmesh.rollout.domain.plan.SignalSpec;
import io.ulidmesh.rollout.domain.port.Leadership;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What operators (and ReportSignal) ask of rollouts. Only the leader acts; each action is checked
 * against the rollout's state, saved with its actor and reason, and then the rollout is taken as
 * far as it goes. Run them on the {@link EngineThread}, so they never race the periodic tick.
 */
public final class OperatorActions {
    private static final Logger LOG = Logger.getLogger(OperatorActions.class);
    /** Longest reason an operator may give. */
    public static final int MAX_REASON = 500;

    private final RolloutStore store;
    private final RolloutLog log;
    private final Plans plans;
    private final Leadership leadership;
    private final SignalMonitor signals;
    private final RolloutDriver driver;
    private final MetricsPort metrics;
    /** Only the rollback window reads it, so tests can stand inside or outside a window. */
    private final Clock clock;

    public OperatorActions(RolloutStore store, RolloutLog log, Plans plans, Leadership leadership, SignalMonitor signals,
                           RolloutDriver driver, MetricsPort metrics) {
        this(store, log, plans, leadership, signals, driver, metrics, Clock.systemUTC());
    }

    public OperatorActions(RolloutStore store, RolloutLog log, Plans plans, Leadership leadership, SignalMonitor signals,
                           RolloutDriver driver, MetricsPort metrics, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.log = log;
        this.plans = plans;
        this.leadership = leadership;
        this.signals = signals;
        this.driver = driver;
        this.metrics = metrics;
    }

    public RolloutRecord create(String yaml, boolean start, String actor) {
        Plan plan = PlanParser.parse(yaml, signals.allowlist());
        requireLeader();
        String id = Ulids.format(UlidCreator.getMonotonicUlid());
        Instant now = Instant.now();
        List<PhaseRecord> phases = new ArrayList<>();
        for (int i = 0; i < plan.phases().size(); i++) {
            phases.add(new PhaseRecord(i, plan.phases().get(i).name(), PhaseStatus.PENDING, 0, null, null, false, null, null));
        }
        RolloutRecord r = new RolloutRecord(id, plan.name(), RolloutStatus.PENDING, yaml, -1, "", null, now, now, phases);
        store.insert(r, actor);
        plans.put(id, plan);
        metrics.phase(id, plan.name(), -1);
        LOG.infof("rollout %s (%s) created by %s with %d phases", id, plan.name(), actor, phases.size());
        return start ? start(id, "created with start", actor) : store.get(id);
    }

    public RolloutRecord start(String id, String reason, String actor) {
        String why = reasonOr(reason, "started");
        requireLeader();
        RolloutRecord r = store.get(id);
        requireState(r, "start", RolloutStatus.PENDING);
        requirePullable(r);
        log.save(r.moved(RolloutStatus.RUNNING, 0, why, null), List.of(), EventType.STARTED, "", "started: " + why, actor);
        LOG.infof("rollout %s (%s) started by %s: %s", id, r.name(), actor, why);
        return advanced(id);
    }

    public RolloutRecord pause(String id, String reason, String actor) {
        String why = requireReason(reason, "PauseRollout");
        requireLeader();
        RolloutRecord r = store.get(id);
        requireState(r, "pause", RolloutStatus.RUNNING);
        List<PhaseRecord> changed = new ArrayList<>();
        PhaseRecord p = r.current();
        if (p != null && p.state() == PhaseStatus.BAKING && p.bakeUntil() != null) {
            // The bake clock stops while paused.
            changed.add(p.withBake(null, Math.max(0, Duration.between(Instant.now(), p.bakeUntil()).toMillis())));
        }
        log.save(r.moved(RolloutStatus.PAUSED, r.currentPhase(), why, null), changed, EventType.PAUSED, r.currentPhaseName(),
                "paused: " + why, actor);
        LOG.infof("rollout %s paused by %s: %s", id, actor, why);
        return store.get(id);
    }

    /** Resumes a paused rollout, or retries the phase after the one a rollback stopped at, as a new attempt. */
    public RolloutRecord resume(String id, String reason, String actor) {
        String why = reasonOr(reason, "resumed");
        requireLeader();
        RolloutRecord r = store.get(id);
        requireState(r, "resume", RolloutStatus.PAUSED, RolloutStatus.ROLLED_BACK);
        requirePullable(r);
        signals.forget(id);
        if (r.state() == RolloutStatus.PAUSED) {
            List<PhaseRecord> changed = new ArrayList<>();
            PhaseRecord p = r.current();
            if (p != null && p.state() == PhaseStatus.BAKING && p.bakeRemainingMs() != null) {
                changed.add(p.withBake(Instant.now().plusMillis(p.bakeRemainingMs()), null));
            }
            log.save(r.moved(RolloutStatus.RUNNING, r.currentPhase(), why, null), changed, EventType.RESUMED, r.currentPhaseName(),
                    "resumed: " + why, actor);
        } else {
            int retry = r.currentPhase() + 1;
            PhaseRecord p = r.phase(retry).retried();
            log.save(r.moved(RolloutStatus.RUNNING, retry, why, null), List.of(p), EventType.RESUMED, p.name(),
                    "resumed: retrying phase " + p.name() + " (attempt " + (p.attempt() + 1) + "): " + why, actor);
        }
        LOG.infof("rollout %s resumed by %s: %s", id, actor, why);
        return advanced(id);
    }

    /** Skips the rest of a baking phase's bake and passes its manual gate. */
    public RolloutRecord promote(String id, String reason, String actor) {
        String why = reasonOr(reason, "promoted");
        requireLeader();
        RolloutRecord r = store.get(id);
        requireState(r, "promote", RolloutStatus.RUNNING, RolloutStatus.PAUSED);
        PhaseRecord p = r.current();
        if (p == null || p.state() != PhaseStatus.BAKING) {
            throw DomainException.failedPrecondition("rollout " + id + " phase " + r.currentPhaseName() + " is "
                    + (p == null ? "not started" : p.state()) + "; only a baking phase or one waiting at its gate can be promoted");
        }
        boolean paused = r.state() == RolloutStatus.PAUSED;
        PhaseRecord promoted = p.withGatePassed(true).withBake(paused ? null : Instant.now(), paused ? 0L : null);
        log.save(r, List.of(promoted), EventType.PROMOTED, p.name(), "promoted past the bake and gate of " + p.name() + ": " + why,
                actor);
        LOG.infof("rollout %s phase %s promoted by %s: %s", id, p.name(), actor, why);
        return advanced(id);
    }

    /**
     * Rolls back the current phase (one more phase back from ROLLED_BACK). Inside the rollback window
     * of the last completed phase it is restored too, at once, in the same call.
     */
    public RolloutRecord rollback(String id, String reason, String actor) {
        String why = requireReason(reason, "RollbackRollout");
        requireLeader();
        RolloutRecord r = store.get(id);
        requireState(r, "roll back", RolloutStatus.RUNNING, RolloutStatus.PAUSED, RolloutStatus.ROLLED_BACK,
                RolloutStatus.COMPLETED, RolloutStatus.FAILED);
        if (r.currentPhase() < 0) {
            throw DomainException.failedPrecondition("rollout " + id + " has no applied phase to roll back");
        }
        String manual = "manual rollback by " + actor + ": " + why;
        PhaseRecord recent = completedInWindow(r);
        if (recent == null) {
            driver.rollBack(r, RollbackKind.PHASE, manual, actor, "manual");
            return store.get(id);
        }
        String inWindow = manual + " (inside the rollback_window " + Durations.format(plans.of(r).rollbackWindow(recent.idx()))
                + " of phase " + recent.name() + "'s completion: restored at once, no analysis, no bake)";
        LOG.infof("rollout %s: rollback by %s inside the rollback window of phase %s", id, actor, recent.name());
        if (recent.idx() != r.currentPhase()) {
            // first the phase after it, which has not completed; a rollback that stops short (a peer down, a failure) stops here
            driver.rollBack(r, RollbackKind.PHASE, inWindow, actor, "manual");
            r = store.get(id);
            if (r.state() != RolloutStatus.ROLLED_BACK || r.currentPhase() != recent.idx()) {
                return r;
            }
        }
        driver.rollBack(r, RollbackKind.PHASE, inWindow, actor, "manual");
        return store.get(id);
    }

    /** The last completed phase when it completed less than its rollback window ago (running, paused or completed rollouts). */
    private PhaseRecord completedInWindow(RolloutRecord r) {
        if (r.state() != RolloutStatus.RUNNING && r.state() != RolloutStatus.PAUSED && r.state() != RolloutStatus.COMPLETED) {
            return null;
        }
        for (int i = r.currentPhase(); i >= 0; i--) {
            PhaseRecord p = r.phase(i);
            if (p.state() == PhaseStatus.COMPLETED && p.finishedAt() != null) {
                Duration window = plans.of(r).rollbackWindow(i);
                return clock.instant().isBefore(p.finishedAt().plus(window)) ? p : null;
            }
        }
        return null;
    }

    /** Undoes every applied phase; a rollout that never started is only marked ABORTED. */
    public RolloutRecord abort(String id, String reason, String actor) {
        String why = requireReason(reason, "AbortRollout");
        requireLeader();
        RolloutRecord r = store.get(id);
        if (r.state() == RolloutStatus.ABORTED) {
            throw DomainException.failedPrecondition("rollout " + id + " is already ABORTED");
        }
        if (r.state() == RolloutStatus.PENDING) {
            log.save(r.moved(RolloutStatus.ABORTED, -1, why, null), List.of(), EventType.ABORTED, "", "aborted before it started: "
                    + why, actor);
            return store.get(id);
        }
        driver.rollBack(r, RollbackKind.ABORT, "aborted by " + actor + ": " + why, actor, "abort");
        return store.get(id);
    }

    /** Result of one pushed signal: how many rollouts evaluated it, and those whose rollback it triggered (and finished). */
    public record SignalResult(int evaluated, List<String> rollbacks) {
    }

    /**
     * Evaluates a pushed value on every running rollout that declares {@code name} as a push signal
     * ({@code onlyRollout} not null: that one only); {@code receivedNanos} is when it arrived.
     */
    public SignalResult report(String name, double value, String onlyRollout, long receivedNanos) {
        if (name.isBlank()) {
            throw DomainException.invalid("name is required: the signal's name as plans declare it");
        }
        InputText.plain("name", name);
        if (!PlanParser.NAME.matcher(name).matches()) {
            throw DomainException.invalid("name: '" + name + "' must match " + PlanParser.NAME.pattern() + ", as signal names in plans do");
        }
        if (!Double.isFinite(value)) {
            throw DomainException.invalid("value must be a finite number, got " + value);
        }
        requireLeader();
        List<String> ids = onlyRollout == null ? store.idsIn(List.of(RolloutStatus.RUNNING)) : List.of(onlyRollout);
        int evaluated = 0;
        List<String> triggered = new ArrayList<>();
        for (String id : ids) {
            RolloutRecord r = store.get(id);
            if (r.state() != RolloutStatus.RUNNING) {
                continue;
            }
            Plan plan = plans.of(r);
            Optional<SignalSpec> signal = plan.signal(name);
            if (signal.isEmpty() || signal.get().source() != SignalSource.PUSH) {
                continue;
            }
            if (evaluated++ == 0) {
                // Only a signal a running plan declares gets a gauge: the label values are names operators chose, not pushers.
                metrics.signal(name, value);
            }
            Optional<SignalMonitor.Breach> breach = signals.evaluate(r, plan, signal.get(), value, null, receivedNanos);
            if (breach.isPresent()) {
                driver.rollBack(r, breach.get());
                triggered.add(id);
            }
        }
        return new SignalResult(evaluated, triggered);
    }

    /** The rollout once it has gone as far as it can go now. */
    private RolloutRecord advanced(String id) {
        driver.advance(id);
        return store.get(id);
    }

    private void requireLeader() {
        if (!leadership.isLeader()) {
            throw DomainException.unavailable("this rollout-controller is a standby; the active one holds the leadership lock", null);
        }
    }

    private static void requireState(RolloutRecord r, String action, RolloutStatus... allowed) {
        if (Arrays.asList(allowed).contains(r.state())) {
            return;
        }
        throw DomainException.failedPrecondition("cannot " + action + " rollout " + r.id() + ": it is " + r.state()
                + ", not " + String.join(" or ", Arrays.stream(allowed).map(Enum::name).toList()));
    }

    /** A rollout whose plan names signal sources outside the allowlist (stored before the list changed) does not run. */
    private void requirePullable(RolloutRecord r) {
        List<String> refused = signals.allowlist().problems(plans.of(r));
        if (!refused.isEmpty()) {
            throw DomainException.failedPrecondition("rollout " + r.id() + " cannot run: its plan's signals may not be pulled: "
                    + String.join("; ", refused));
        }
    }

    private static String requireReason(String reason, String rpc) {
        if (reason == null || reason.isBlank()) {
            throw DomainException.invalid("reason is required for " + rpc);
        }
        return checked(reason);
    }

    private static String reasonOr(String reason, String fallback) {
        return reason == null || reason.isBlank() ? fallback : checked(reason);
    }

    /** A reason goes into events, log lines and the reasons of flag changes: one line of bounded length. */
    private static String checked(String reason) {
        InputText.plain("reason", reason);
        if (reason.length() > MAX_REASON) {
            throw DomainException.invalid("reason: " + reason.length() + " characters, more than " + MAX_REASON);
        }
        return reason.strip();
    }
}
