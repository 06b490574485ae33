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

    public SignalMonitor(SignalSourcePort prometheus, HealthPort health, SignalAllowlist allowlist, RolloutStore store, RolloutLog log,
                         MetricsPort metrics) {
        this.prometheus = prometheus;
        this.health = health;
        this.allowlist = allowlist;
        this.store = store;
        this.log = log;
        this.metrics = metrics;
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
        String refused = allowlist.problem(s);
        if (refused != null) {
            throw new PeerFailure("signal " + s.name() + " is not pulled: " + refused, false, null);
        }
        if (s.source() == SignalSource.PROMETHEUS) {
            return prometheus.query(s.url(), s.query());
        }
        return OptionalDouble.of(health.check(s.target(), s.service()) == PeerHealth.SERVING ? 1 : 0);
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
            lastSeen.put(r.id() + "\u0000" + s.name(), new Observation(value, Instant.now()));
        }
        BreachTracker tracker = trackers.computeIfAbsent(r.id(), k -> savedBreaches(r, plan, phase));
        for (int i = 0; i < plan.rules().size(); i++) {
            RuleSpec rule = plan.rules().get(i);
            if (!rule.signal().equals(s.name())) {
                continue;
            }
            BreachTracker.Verdict v = tracker.observe(i, rule, value, s.onNoData());
            if (!v.countChanged()) {
                continue;
            }
            String what = null;
            if (v.breached()) {
                what = value == null
                        ? "signal " + s.name() + " has no data (" + gap + "), counted as a breach of rule '" + rule.describe() + "'"
                        : "signal " + s.name() + " = " + Numbers.text(value) + " breaches rule '" + rule.describe() + "'";
                what += " (" + v.inARow() + " in a row)";
            }
            if (v.fires() && rule.dryRun()) {
                // recorded with its event like any breach, and never a rollback; the count goes on
                what += "; dry run: it would roll back phase " + phase.name() + ", nothing is changed";
                LOG.infof("rollout %s dry-run rule fired: %s", r.id(), what);
            }
            store.saveBreachCount(r.id(), phase, i, v.inARow(), what, RolloutLog.CONTROLLER);
            if (v.fires() && !rule.dryRun()) {
                return Optional.of(new Breach(what, detectedNanos));
            }
        }
        return Optional.empty();
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

    /** Counts belong to a phase attempt: a completed phase, a rollback or a resume starts them again from 0. */
    void forget(String rolloutId) {
        trackers.remove(rolloutId);
        store.clearBreachCounts(rolloutId);
    }

    /** A standby keeps no counts in memory; the saved ones are read again when it becomes the leader. */
    void forgetAll() {
        trackers.clear();
        lastSeen.clear();
    }
}
