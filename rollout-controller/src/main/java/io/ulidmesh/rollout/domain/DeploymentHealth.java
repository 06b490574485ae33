package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.HealthReport.FlagHealth;
import io.ulidmesh.rollout.domain.HealthReport.RolloutHealth;
import io.ulidmesh.rollout.domain.HealthReport.SignalHealth;
import io.ulidmesh.rollout.domain.HealthReport.ThresholdHealth;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.RuleSpec;
import io.ulidmesh.rollout.domain.plan.SignalSource;
import io.ulidmesh.rollout.domain.plan.SignalSpec;
import io.ulidmesh.rollout.domain.port.AlertPort;
import io.ulidmesh.rollout.domain.port.AlertPort.Alert;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The deployment-health view (the seed's get_deployment_health): per active rollout its phase, the
 * flags its phases set with their values now, each signal's current value against its rules (a
 * relative rule against its baseline or other signal), and
 * the active alerts. It only reads: flags from flag-service, pulled signals from their sources.
 */
public final class DeploymentHealth {
    /** Rollouts that still hold or may change the deployment: neither not started nor ended. */
    static final List<RolloutStatus> ACTIVE = List.of(RolloutStatus.RUNNING, RolloutStatus.PAUSED, RolloutStatus.ROLLING_BACK,
            RolloutStatus.ROLLED_BACK, RolloutStatus.FAILED);

    private final RolloutStore store;
    private final Plans plans;
    private final FlagPort flags;
    private final SignalMonitor signals;
    private final AlertPort alerts;

    public DeploymentHealth(RolloutStore store, Plans plans, FlagPort flags, SignalMonitor signals, AlertPort alerts) {
        this.store = store;
        this.plans = plans;
        this.flags = flags;
        this.signals = signals;
        this.alerts = alerts;
    }

    /** Every active rollout ({@code onlyId} not null: that one, whatever its state) and the alerts. */
    public HealthReport report(String onlyId) {
        List<RolloutHealth> rollouts = new ArrayList<>();
        for (String id : onlyId == null ? store.idsIn(ACTIVE) : List.of(onlyId)) {
            rollouts.add(rollout(store.get(id)));
        }
        List<Alert> active = List.of();
        String error = "";
        if (!alerts.source().isEmpty()) {
            try {
                active = alerts.active();
            } catch (PeerFailure e) {
                error = e.getMessage();
            }
        }
        return new HealthReport(rollouts, active, alerts.source(), error, Instant.now());
    }

    private RolloutHealth rollout(RolloutRecord r) {
        Plan plan = plans.of(r);
        // a flag's planned value is the one the last phase up to the current one gives it
        Map<String, FlagValue> planned = new LinkedHashMap<>();
        for (int i = 0; i <= r.currentPhase() && i < plan.phases().size(); i++) {
            planned.putAll(plan.phases().get(i).flags());
        }
        List<FlagHealth> flagHealth = new ArrayList<>();
        planned.forEach((name, value) -> flagHealth.add(flag(name, value)));
        PhaseRecord p = r.current();
        Map<Integer, Integer> counts = p == null ? Map.of() : store.breachCounts(r.id(), p.idx(), p.attempt());
        List<SignalHealth> signalHealth = signals(signals, plan, name -> signals.lastPushed(r.id(), name), counts,
                signals.phaseBaselines(r.id(), p));
        return new RolloutHealth(r, flagHealth, signalHealth);
    }

    private FlagHealth flag(String name, FlagValue planned) {
        try {
            Optional<FlagState> now = flags.getFlag(name);
            return new FlagHealth(name, planned.text(), now.map(f -> new FlagValue(f.basisPoints()).text()).orElse("absent"),
                    now.map(FlagState::version).orElse(0L), "");
        } catch (PeerFailure e) {
            return new FlagHealth(name, planned.text(), "", 0, e.getMessage());
        }
    }

    /**
     * Each signal now against the plan's rules on it: pulled signals are pulled, a push signal
     * shows its last value ({@code pushed}), {@code counts} are the rules' breaches in a row so far
     * and {@code baselines} the above_baseline rules' references; an above_signal rule compares
     * with the other signal's value shown here.
     */
    static List<SignalHealth> signals(SignalMonitor signals, Plan plan, Function<String, Optional<SignalMonitor.Observation>> pushed,
                                      Map<Integer, Integer> counts, Map<Integer, Baseline> baselines) {
        Map<String, Reading> readings = new LinkedHashMap<>();
        for (SignalSpec s : plan.signals()) {
            readings.put(s.name(), read(signals, s, pushed));
        }
        List<SignalHealth> result = new ArrayList<>();
        for (SignalSpec s : plan.signals()) {
            Double value = readings.get(s.name()).value();
            List<ThresholdHealth> thresholds = new ArrayList<>();
            for (int i = 0; i < plan.rules().size(); i++) {
                RuleSpec rule = plan.rules().get(i);
                if (rule.signal().equals(s.name())) {
                    thresholds.add(threshold(rule, value, counts.getOrDefault(i, 0), reference(rule, baselines.get(i), readings)));
                }
            }
            result.add(new SignalHealth(s.name(), s.source().text(), value, readings.get(s.name()).detail(), thresholds));
        }
        return result;
    }

    /** A signal's value now (null: none), and where it came from or why there is none. */
    private record Reading(Double value, String detail) {
    }

    private static Reading read(SignalMonitor signals, SignalSpec s, Function<String, Optional<SignalMonitor.Observation>> pushed) {
        if (s.source() == SignalSource.PUSH) {
            Optional<SignalMonitor.Observation> last = pushed.apply(s.name());
            return new Reading(last.map(SignalMonitor.Observation::value).orElse(null),
                    last.map(o -> "pushed at " + o.at()).orElse("no value pushed to this controller since it started"));
        }
        try {
            OptionalDouble v = signals.pull(s);
            return new Reading(v.isPresent() ? v.getAsDouble() : null,
                    v.isPresent() ? "pulled now from " + s.source().text() : s.source().text() + " answered without data");
        } catch (PeerFailure e) {
            return new Reading(null, e.getMessage());
        }
    }

    /** A relative rule's reference: its baseline, or the other signal's reading; null for a fixed threshold. */
    private static SignalMonitor.Reference reference(RuleSpec rule, Baseline baseline, Map<String, Reading> readings) {
        return switch (rule.kind()) {
            case THRESHOLD -> null;
            case BASELINE -> baseline == null ? new SignalMonitor.Reference(null, "baseline", "taken when the phase starts")
                    : new SignalMonitor.Reference(baseline.value(), "baseline", baseline.text());
            case SIGNAL -> {
                Reading other = readings.get(rule.aboveSignal());
                yield new SignalMonitor.Reference(other.value(), rule.aboveSignal(), other.value() == null
                        ? "no value of " + rule.aboveSignal() + ": " + other.detail() : rule.aboveSignal() + " " + other.detail());
            }
        };
    }

    private static ThresholdHealth threshold(RuleSpec rule, Double value, int inARow, SignalMonitor.Reference ref) {
        Double reference = ref == null ? null : ref.value();
        boolean breached = value != null && (ref == null ? rule.breachedBy(value) : reference != null && rule.breachedBy(value, reference));
        return new ThresholdHealth(rule.describe(), rule.below() != null ? "below" : "above", rule.limit(reference), rule.forCount(),
                inARow, breached, ref == null ? "" : ref.name(), reference, ref == null ? "" : ref.detail());
    }
}
