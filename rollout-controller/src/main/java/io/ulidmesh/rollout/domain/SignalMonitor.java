package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.plan.NoDataPolicy;
import io.ulidmesh.rollout.domain.plan.Numbers;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.RuleSpec;
import io.ulidmesh.rollout.domain.plan.SignalAllowlist;
import io.ulidmesh.rollout.domain.plan.SignalSource;
import io.ulidmesh.rollout.domain.plan.SignalSpec;
import io.ulidmesh.rollout.domain.port.HealthPort;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.PeerHealth;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import io.ulidmesh.rollout.domain.port.SignalSourcePort;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Health signals of running rollouts: pulls prometheus and grpc-health signals every plan
 * interval, feeds each value (pulled or pushed) to the plan's rules, and keeps each rule's
 * breaches in a row, saved as they change so that a takeover or restart continues them.
 */
public final class SignalMonitor {
    private static final Logger LOG = Logger.getLogger(SignalMonitor.class);

    private final SignalSourcePort prometheus;
    private final HealthPort health;
    private final SignalAllowlist allowlist;
    private final RolloutStore store;
    private final RolloutLog log;
    private final MetricsPort metrics;
    private final Map<String, BreachTracker> trackers = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastPull = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> withoutData = new ConcurrentHashMap<>();
    private final Map<String, Observation> lastSeen = new ConcurrentHashMap<>();
    private final Baselines baselines;
    private final Map<String, PhaseBaselines> phaseBaselines = new ConcurrentHashMap<>();
    /** Relative rules (rollout and rule index) whose missing reference was recorded as an event in this phase attempt. */
    private final Set<String> noReference = ConcurrentHashMap.newKeySet();

    public SignalMonitor(SignalSourcePort prometheus, HealthPort health, SignalAllowlist allowlist, RolloutStore store, RolloutLog log,
                         MetricsPort metrics) {
        this.prometheus = prometheus;
        this.health = health;
        this.allowlist = allowlist;
        this.store = store;
        this.log = log;
        this.metrics = metrics;
        this.baselines = new Baselines(prometheus, allowlist);
    }

    /** The baselines of a phase attempt as the journal recorded them when it started. */
    private record PhaseBaselines(int idx, int attempt, Map<Integer, Baseline> byRule) {
    }

    /** A rule that fired: why, and when the breaching value was seen ({@link System#nanoTime()}). */
    public record Breach(String reason, long detectedNanos) {
    }

    /** A value a rule was fed, and when. */
    public record Observation(double value, Instant at) {
    }

    /** The last value of {@code signal} this replica fed to the rollout's rules (pushed or pulled). */
    public Optional<Observation> lastPushed(String rolloutId, String signal) {
        return Optional.ofNullable(lastSeen.get(rolloutId + "\u0000" + signal));
    }

    /** The newest value of {@code signal} this replica fed to any rollout's rules: what a preview shows for a push signal. */
    public Optional<Observation> lastPushed(String signal) {
        String suffix = "\u0000" + signal;
        return lastSeen.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).map(Map.Entry::getValue)
                .max(java.util.Comparator.comparing(Observation::at));
    }

    /** Where pulled signals may come from: plans from requests are parsed against it. */
    public SignalAllowlist allowlist() {
        return allowlist;
    }

    /**
     * The current value of a pulled signal: the PromQL result, or 1 when the health endpoint is
     * SERVING, else 0. A source outside the allowlist (a stored plan older than the list) is a
     * failure without any request sent.
     */
    public OptionalDouble pull(SignalSpec s) {
        requireAllowed(allowlist, s);
        if (s.source() == SignalSource.PROMETHEUS) {
            return prometheus.query(s.url(), s.query());
        }
        return OptionalDouble.of(health.check(s.target(), s.service()) == PeerHealth.SERVING ? 1 : 0);
    }

    /** A failure, before any request is sent, when {@code s}'s source is outside the allowlist. */
    static void requireAllowed(SignalAllowlist allowlist, SignalSpec s) {
        String refused = allowlist.problem(s);
        if (refused != null) {
            throw new PeerFailure("signal " + s.name() + " is not pulled: " + refused, false, null);
        }
    }

    /** The baselines of the plan's above_baseline rules over their windows ending at {@code at}. */
    List<Baseline> baselines(Plan plan, Instant at) {
        return baselines.take(plan, at);
    }

    /** True when the plan has pulled signals and its interval has passed since they were last pulled. */
    boolean pullDue(RolloutRecord r, Plan plan) {
        if (plan.signals().stream().allMatch(s -> s.source() == SignalSource.PUSH)) {
            return false;
        }
        Instant last = lastPull.get(r.id());
        return last == null || !Instant.now().isBefore(last.plus(plan.interval()));
    }

    /** Pulls every prometheus and grpc-health signal once; the first rule that fires stops the round. */
    Optional<Breach> pullAll(RolloutRecord r, Plan plan) {
        lastPull.put(r.id(), Instant.now());
        for (SignalSpec s : plan.signals()) {
            if (s.source() == SignalSource.PUSH) {
                continue;
            }
            long at = System.nanoTime();
            OptionalDouble value;
            String gap;
            String cause = "";
            try {
                value = pull(s);
                gap = value.isPresent() ? null : "the source answered without data";
            } catch (PeerFailure e) {
                value = OptionalDouble.empty();
                gap = e.getMessage();
                // the client's own exception text stays in this log: events and last_reason, which clients read, get the gap only
                cause = e.getCause() == null ? "" : " (" + e.getCause() + ")";
            }
            Set<String> missing = withoutData.computeIfAbsent(r.id(), k -> ConcurrentHashMap.newKeySet());
            Optional<Breach> breach = Optional.empty();
            if (value.isPresent()) {
                metrics.signal(s.name(), value.getAsDouble());
                missing.remove(s.name());
                breach = evaluate(r, plan, s, value.getAsDouble(), null, at);
            } else {
                if (missing.add(s.name())) {
                    log.event(r.id(), EventType.SIGNAL_NO_DATA, r.currentPhaseName(), "signal " + s.name() + " has no data ("
                            + gap + "); policy " + s.onNoData().name().toLowerCase(Locale.ROOT));
                    LOG.warnf("rollout %s signal %s has no data: %s%s", r.id(), s.name(), gap, cause);
                }
                if (s.onNoData() == NoDataPolicy.BREACH) {
                    breach = evaluate(r, plan, s, null, gap, at);
                }
            }
            if (breach.isPresent()) {
                return breach;
            }
        }
        return Optional.empty();
    }

    /** True while a pulled signal of the rollout has no data: its phase's bake does not complete. */
    boolean waitingForData(String rolloutId) {
        return !withoutData.getOrDefault(rolloutId, Set.of()).isEmpty();
    }

    /**
     * Feeds one value of {@code s} to its rules in the rollout's current phase; {@code value} null
     * means no data ({@code gap} says why), which counts only under the breach policy. Every count
     * that changes is saved, with the SIGNAL_BREACHED event of a breach.
     */
    Optional<Breach> evaluate(RolloutRecord r, Plan plan, SignalSpec s, Double value, String gap, long detectedNanos) {
        PhaseRecord phase = r.current();
        thresholds(plan, s.name());
        if (value != null) {
            Observation seen = new Observation(value, Instant.now());
            lastSeen.put(r.id() + "\u0000" + s.name(), seen);
            if (s.source() != SignalSource.PROMETHEUS) {
                baselines.seen(s.name(), seen);
            }
        }
        BreachTracker tracker = trackers.computeIfAbsent(r.id(), k -> savedBreaches(r, plan, phase));
        for (int i = 0; i < plan.rules().size(); i++) {
            RuleSpec rule = plan.rules().get(i);
            if (!rule.signal().equals(s.name())) {
                continue;
            }
            Reference ref = reference(r, phase, i, rule);
            if (ref == null) {
                continue;
            }
            if (ref.value() == null && value != null && rule.kind() == RuleSpec.Kind.SIGNAL) {
                noReference(r, phase, i, rule, s, ref);
            }
            BreachTracker.Verdict v = tracker.observe(i, rule, value, ref.value(), s.onNoData());
            if (!v.countChanged()) {
                continue;
            }
            String what = null;
            if (v.breached()) {
                what = value == null
                        ? "signal " + s.name() + " has no data (" + gap + "), counted as a breach of rule '" + rule.describe() + "'"
                        : ref.value() == null && rule.kind() != RuleSpec.Kind.THRESHOLD
                        ? "signal " + s.name() + " = " + Numbers.text(value) + " has nothing to compare with (" + ref.detail()
                                + "), counted as a breach of rule '" + rule.describe() + "'"
                        : "signal " + s.name() + " = " + Numbers.text(value) + " breaches rule '" + rule.describe() + "'"
                                + ref.limitText(rule);
                what += " (" + v.inARow() + " in a row)";
            }
            if (v.fires() && rule.dryRun()) {
                // recorded with its event like any breach, and never a rollback; the count goes on
                what += "; dry run: it would roll back phase " + phase.name() + ", nothing is changed";
                LOG.infof("rollout %s dry-run rule fired: %s", r.id(), what);
            }
            if (v.fires() && !rule.dryRun()) {
                // its count and SIGNAL_BREACHED event are written with the rollback's start, one commit before the undo
                return Optional.of(new Breach(what, detectedNanos));
            }
            store.saveBreachCount(r.id(), phase, i, v.inARow(), what, RolloutLog.CONTROLLER);
        }
        return Optional.empty();
    }

    /**
     * What a rule's value is compared with: nothing for a threshold, the phase's recorded baseline,
     * or the other signal's latest value. Null when the rule is not evaluated yet: a baseline rule
     * in a phase attempt that has not started (its baseline is taken when it does).
     */
    private Reference reference(RolloutRecord r, PhaseRecord phase, int ruleIdx, RuleSpec rule) {
        return switch (rule.kind()) {
            case THRESHOLD -> new Reference(null, "", "");
            case BASELINE -> {
                Baseline b = phaseBaselines(r.id(), phase).get(ruleIdx);
                yield b == null ? null : new Reference(b.value(), "baseline", b.text());
            }
            case SIGNAL -> lastPushed(r.id(), rule.aboveSignal())
                    .map(o -> new Reference(o.value(), rule.aboveSignal(), rule.aboveSignal() + " = " + Numbers.text(o.value())))
                    .orElse(new Reference(null, rule.aboveSignal(), "no value of " + rule.aboveSignal() + " yet"));
        };
    }

    /** A rule's reference: its value (null: none), what it is ("baseline" or a signal's name) and how it was obtained. */
    record Reference(Double value, String name, String detail) {
        String limitText(RuleSpec rule) {
            return value == null ? "" : " (" + name + " " + Numbers.text(value) + ", limit " + Numbers.text(rule.limit(value)) + ")";
        }
    }

    /** The phase attempt's baselines as the journal holds them; read once per attempt, and not before it started. */
    Map<Integer, Baseline> phaseBaselines(String rolloutId, PhaseRecord phase) {
        if (phase == null || phase.state() == PhaseStatus.PENDING) {
            return Map.of();
        }
        PhaseBaselines cached = phaseBaselines.get(rolloutId);
        if (cached == null || cached.idx() != phase.idx() || cached.attempt() != phase.attempt()) {
            cached = new PhaseBaselines(phase.idx(), phase.attempt(), store.baselines(rolloutId, phase.idx(), phase.attempt()));
            phaseBaselines.put(rolloutId, cached);
        }
        return cached.byRule();
    }

    /**
     * Records, once per phase attempt, that an above_signal rule has a value but no value of the
     * other signal (a missing baseline is recorded when the phase starts).
     */
    private void noReference(RolloutRecord r, PhaseRecord phase, int ruleIdx, RuleSpec rule, SignalSpec s, Reference ref) {
        if (noReference.add(r.id() + "\u0000" + phase.idx() + "\u0000" + phase.attempt() + "\u0000" + ruleIdx)) {
            log.event(r.id(), EventType.SIGNAL_NO_DATA, phase.name(), "rule '" + rule.describe() + "' has nothing to compare "
                    + s.name() + " with (" + ref.detail() + "); policy " + s.onNoData().name().toLowerCase(Locale.ROOT));
        }
    }

    /** Sets the threshold gauges of {@code signal}: the tightest above and below of the plan's rules on it. */
    private void thresholds(Plan plan, String signal) {
        Double above = null;
        Double below = null;
        for (RuleSpec rule : plan.rules()) {
            if (rule.signal().equals(signal)) {
                if (rule.above() != null) {
                    above = above == null ? rule.above() : Math.min(above, rule.above());
                }
                if (rule.below() != null) {
                    below = below == null ? rule.below() : Math.max(below, rule.below());
                }
            }
        }
        if (above != null) {
            metrics.threshold(signal, "above", above);
        }
        if (below != null) {
            metrics.threshold(signal, "below", below);
        }
    }

    /** The phase attempt's breach counts as the last leader saved them: a takeover or restart continues them. */
    private BreachTracker savedBreaches(RolloutRecord r, Plan plan, PhaseRecord phase) {
        Map<Integer, Integer> saved = store.breachCounts(r.id(), phase.idx(), phase.attempt());
        if (!saved.isEmpty()) {
            LOG.infof("rollout %s phase %s continues its saved breach counts: %s", r.id(), phase.name(), saved.entrySet().stream()
                    .map(e -> "'" + plan.rules().get(e.getKey()).describe() + "' " + e.getValue() + " in a row")
                    .collect(Collectors.joining(", ")));
        }
        return new BreachTracker(saved);
    }

    /**
     * A phase attempt this replica has just begun has no breaches yet: its counts start at 0 here,
     * so the first value pushed in it is evaluated without reading saved counts there cannot be.
     */
    void attemptBegun(String rolloutId) {
        forgetInMemory(rolloutId);
        trackers.put(rolloutId, new BreachTracker());
    }

    /** Counts belong to a phase attempt: a completed phase, a rollback or a resume starts them again from 0. */
    void forget(String rolloutId) {
        forgetInMemory(rolloutId);
        store.clearBreachCounts(rolloutId);
    }

    /** {@link #forget} but for the saved counts, which the caller clears in a transaction of its own. */
    void forgetInMemory(String rolloutId) {
        trackers.remove(rolloutId);
        phaseBaselines.remove(rolloutId);
        noReference.removeIf(k -> k.startsWith(rolloutId + "\u0000"));
    }

    /** A standby keeps no counts in memory; the saved ones are read again when it becomes the leader. */
    void forgetAll() {
        trackers.clear();
        lastSeen.clear();
        phaseBaselines.clear();
        noReference.clear();
    }
}
