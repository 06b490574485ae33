package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.plan.Durations;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.RuleSpec;
import io.ulidmesh.rollout.domain.plan.SignalAllowlist;
import io.ulidmesh.rollout.domain.plan.SignalSource;
import io.ulidmesh.rollout.domain.plan.SignalSpec;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.SignalSourcePort;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Takes the baselines of a plan's {@code above_baseline} rules at an instant: a prometheus signal's
 * {@code avg_over_time} of its query over the rule's window ending then (Prometheus evaluates it at
 * that time), any other signal's mean of the values this controller saw in that window. A source
 * that fails or has no data gives a baseline without a value, saying why.
 */
public final class Baselines {
    /** How long seen values are kept, and how many a signal at most: enough for the longest window at 25 values a second. */
    static final Duration KEEP = Duration.ofHours(1);
    static final int MAX_VALUES = 90_000;

    private final SignalSourcePort prometheus;
    private final SignalAllowlist allowlist;
    private final SignalHistory history = new SignalHistory(KEEP, MAX_VALUES);

    Baselines(SignalSourcePort prometheus, SignalAllowlist allowlist) {
        this.prometheus = prometheus;
        this.allowlist = allowlist;
    }

    /** Records a value of {@code signal} seen now, for later baselines. */
    void seen(String signal, SignalMonitor.Observation o) {
        history.add(signal, o);
    }

    /** The baseline of each above_baseline rule of {@code plan} over its window ending at {@code at}. */
    List<Baseline> take(Plan plan, Instant at) {
        List<Baseline> result = new ArrayList<>();
        for (int i = 0; i < plan.rules().size(); i++) {
            RuleSpec rule = plan.rules().get(i);
            if (rule.kind() == RuleSpec.Kind.BASELINE) {
                SignalSpec s = plan.signal(rule.signal()).orElseThrow();
                result.add(take(i, s, rule.baselineWindow(), at));
            }
        }
        return result;
    }

    private Baseline take(int ruleIdx, SignalSpec s, Duration window, Instant at) {
        String span = "the " + Durations.format(window) + " before " + at;
        if (s.source() != SignalSource.PROMETHEUS) {
            SignalHistory.Mean mean = history.mean(s.name(), at.minus(window), at);
            return new Baseline(ruleIdx, mean.value().isPresent() ? mean.value().getAsDouble() : null, window, at,
                    mean.count() == 0 ? "no value of " + s.name() + " seen by this controller in " + span
                            : "mean of " + mean.count() + " value" + (mean.count() == 1 ? "" : "s") + " seen in " + span);
        }
        try {
            SignalMonitor.requireAllowed(allowlist, s);
            OptionalDouble v = prometheus.query(s.url(), "avg_over_time((" + s.query() + ")[" + Durations.format(window) + ":])", at);
            return new Baseline(ruleIdx, v.isPresent() ? v.getAsDouble() : null, window, at, v.isPresent()
                    ? "Prometheus' avg_over_time of the query over " + span : "Prometheus has no data for the query in " + span);
        } catch (PeerFailure e) {
            return new Baseline(ruleIdx, null, window, at, e.getMessage());
        }
    }
}
