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

/**
 * The deployment-health view (the seed's get_deployment_health): per active rollout its phase, the
 * flags its phases set with their values now, each signal's current value against its rules, and
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
        List<SignalHealth> signalHealth = new ArrayList<>();
        for (SignalSpec s : plan.signals()) {
            signalHealth.add(signal(r, plan, s, counts));
        }
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

    private SignalHealth signal(RolloutRecord r, Plan plan, SignalSpec s, Map<Integer, Integer> counts) {
        return signal(signals, plan, s, signals.lastPushed(r.id(), s.name()), counts);
    }

    /**
     * One signal now against the plan's rules on it: pulled signals are pulled, a push signal shows
     * {@code pushed} (its last value), and {@code counts} are the rules' breaches in a row so far.
     */
    static SignalHealth signal(SignalMonitor signals, Plan plan, SignalSpec s, Optional<SignalMonitor.Observation> pushed,
                               Map<Integer, Integer> counts) {
        Double value = null;
        String detail;
        if (s.source() == SignalSource.PUSH) {
            value = pushed.map(SignalMonitor.Observation::value).orElse(null);
            detail = pushed.map(o -> "pushed at " + o.at()).orElse("no value pushed to this controller since it started");
        } else {
            try {
                OptionalDouble v = signals.pull(s);
                value = v.isPresent() ? v.getAsDouble() : null;
                detail = v.isPresent() ? "pulled now from " + s.source().text() : s.source().text() + " answered without data";
            } catch (PeerFailure e) {
                detail = e.getMessage();
            }
        }
        List<ThresholdHealth> thresholds = new ArrayList<>();
        for (int i = 0; i < plan.rules().size(); i++) {
            RuleSpec rule = plan.rules().get(i);
            if (rule.signal().equals(s.name())) {
                boolean above = rule.above() != null;
                thresholds.add(new ThresholdHealth(rule.describe(), above ? "above" : "below", above ? rule.above() : rule.below(),
                        rule.forCount(), counts.getOrDefault(i, 0), value != null && rule.breachedBy(value)));
            }
        }
        return new SignalHealth(s.name(), s.source().text(), value, detail, thresholds);
    }
}
