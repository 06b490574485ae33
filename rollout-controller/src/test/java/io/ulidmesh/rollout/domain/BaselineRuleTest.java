package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.HealthReport.ThresholdHealth;
import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.AlertPort;
import io.ulidmesh.rollout.domain.port.FlagState;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * above_baseline rules: the baseline taken when a phase starts (pushed values seen before it, or
 * Prometheus' avg_over_time at the start), recorded in the journal and read back after a restart,
 * and a missing baseline following the signal's no-data policy, recorded as an event.
 */
class BaselineRuleTest {
    static final String RULE = "p95 more than 50% above its 1m baseline";

    static final AlertPort NO_ALERTS = new AlertPort() {
        @Override
        public String source() {
            return "";
        }

        @Override
        public List<Alert> active() {
            return List.of();
        }
    };

    final Controller c = new Controller();

    static String plan(String noData) {
        return """
                name: base
                signals:
                  - { name: p95, source: push, on_no_data: %s }
                rollback:
                  - { signal: p95, above_baseline: 50%%, baseline_window: 1m }
                phases:
                  - { name: first, flags: { a: 10%% }, gate: manual }
                  - { name: second, flags: { a: 50%% }, gate: manual }
                """.formatted(noData);
    }

    void push(double value) {
        c.actions.report("p95", value, null, System.nanoTime());
    }

    @Test
    void aPhaseWithoutEarlierValuesHasNoBaselineAndUnderTheWaitPolicyTheRuleIsNotEvaluated() {
        RolloutRecord r = c.start(plan("wait"));
        assertThat(c.store.baselines(r.id(), 0, 0)).hasSize(1).hasEntrySatisfying(0, b -> assertThat(b.value()).isNull());
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_NO_DATA)).singleElement().asString()
                .startsWith("rule '" + RULE + "' has no baseline in this phase attempt (no value of p95 seen by this controller in the"
                        + " 1m before ")
                .endsWith("); policy wait: the rule is not evaluated");

        push(1_000);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).isEmpty();
    }

    @Test
    void underTheBreachPolicyEveryValueWithoutABaselineCountsAsABreach() {
        RolloutRecord r = c.start(plan("breach"));
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_NO_DATA)).singleElement().asString()
                .endsWith("); policy breach: each value counts as a breach");

        push(1);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).singleElement().asString()
                .startsWith("signal p95 = 1 has nothing to compare with (none (no value of p95 seen by this controller")
                .endsWith("counted as a breach of rule '" + RULE + "' (1 in a row)");
    }

    @Test
    void theNextPhaseTakesTheMeanOfTheValuesBeforeItAndRollsBackOnlyMoreThanTheMarginAboveIt() {
        c.flags.set("a", 0);
        RolloutRecord r = c.start(plan("wait"));
        push(100);
        push(120);
        c.actions.promote(r.id(), "go", "bob");
        RolloutRecord second = c.get(r.id());
        assertThat(second.currentPhase()).isEqualTo(1);

        Baseline b = c.store.baselines(r.id(), 1, 0).get(0);
        assertThat(b.value()).isEqualTo(110.0);
        assertThat(b.at()).isEqualTo(second.phase(1).startedAt());
        assertThat(b.detail()).isEqualTo("mean of 2 values seen in the 1m before " + b.at());
        assertThat(c.store.messages(r.id(), EventType.PHASE_STARTED).get(1)).isEqualTo("phase second attempt 1 starts: a 10% (v2)"
                + " -> 50%, baseline of rule '" + RULE + "': 110 (mean of 2 values seen in the 1m before " + b.at() + ")");
        ThresholdHealth health = new DeploymentHealth(c.store, c.plans, c.flags, c.signals, NO_ALERTS).report(r.id())
                .rollouts().get(0).signals().get(0).thresholds().get(0);
        assertThat(health).isEqualTo(new ThresholdHealth(RULE, "above", 165.0, 1, 0, false, "baseline", 110.0, b.text()));

        push(165);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        push(166);
        RolloutRecord back = c.get(r.id());
        assertThat(back.state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(back.currentPhase()).isZero();
        assertThat(c.flags.get("a").map(FlagState::basisPoints)).contains(1_000);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).containsExactly(
                "signal p95 = 166 breaches rule '" + RULE + "' (baseline 110, limit 165) (1 in a row)");
    }

    @Test
    void aRestartedControllerReadsTheRecordedBaselineBackAndDoesNotTakeItAgain() {
        RolloutRecord r = c.start(plan("wait"));
        push(100);
        c.actions.promote(r.id(), "go", "bob");
        assertThat(c.store.baselines(r.id(), 1, 0).get(0).value()).isEqualTo(100.0);

        // the new controller has seen no value at all: a baseline taken now would be none
        Controller restarted = new Controller(c);
        restarted.actions.report("p95", 150, null, System.nanoTime());
        assertThat(restarted.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        restarted.actions.report("p95", 151, null, System.nanoTime());
        assertThat(restarted.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(restarted.store.messages(r.id(), EventType.SIGNAL_BREACHED)).containsExactly(
                "signal p95 = 151 breaches rule '" + RULE + "' (baseline 100, limit 150) (1 in a row)");
    }

    @Test
    void aPrometheusBaselineIsItsAverageOverTheWindowEvaluatedAtThePhaseStart() {
        c.sources.queries.put("avg_over_time((p95q)[5m:])", OptionalDouble.of(200));
        c.sources.queries.put("p95q", OptionalDouble.of(290));
        RolloutRecord r = c.start("""
                name: prom
                interval: 1s
                signals:
                  - { name: p95, source: prometheus, query: p95q }
                rollback:
                  - { signal: p95, above_baseline: 50% }
                phases:
                  - { name: only, gate: manual }
                """);
        RolloutRecord started = c.get(r.id());
        Baseline b = c.store.baselines(r.id(), 0, 0).get(0);
        assertThat(b.value()).isEqualTo(200.0);
        assertThat(c.sources.askedAt).containsExactly("avg_over_time((p95q)[5m:]) @ " + started.phase(0).startedAt());
        assertThat(b.detail()).isEqualTo("Prometheus' avg_over_time of the query over the 5m before " + b.at());

        c.driver.tick();
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        c.sources.queries.put("p95q", OptionalDouble.of(301));
        c.tickUntil(r.id(), x -> x.state() == RolloutStatus.ROLLED_BACK);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).containsExactly(
                "signal p95 = 301 breaches rule 'p95 more than 50% above its 5m baseline' (baseline 200, limit 300) (1 in a row)");
    }

    @Test
    void aPrometheusThatFailsOrHasNoDataGivesNoBaselineSayingWhy() {
        c.sources.queries.put("avg_over_time((empty)[5m:])", OptionalDouble.empty());
        RolloutRecord r = c.start("""
                name: gaps
                signals:
                  - { name: down, source: prometheus, query: down }
                  - { name: empty, source: prometheus, query: empty }
                rollback:
                  - { signal: down, above_baseline: 10% }
                  - { signal: empty, above_baseline: 10% }
                phases:
                  - { name: only, gate: manual }
                """);
        assertThat(c.store.baselines(r.id(), 0, 0).values()).extracting(Baseline::value).containsOnlyNulls();
        assertThat(c.store.baselines(r.id(), 0, 0).values()).extracting(Baseline::detail).satisfiesExactly(
                d -> assertThat(d).isEqualTo("Prometheus at  did not answer"), // the fake names the URL as the plan gives it
                d -> assertThat(d).startsWith("Prometheus has no data for the query in the 5m before "));
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_NO_DATA)).filteredOn(m -> m.startsWith("rule ")).containsExactly(
                "rule 'down more than 10% above its 5m baseline' has no baseline in this phase attempt (Prometheus at  did not answer);"
                        + " policy wait: the rule is not evaluated",
                "rule 'empty more than 10% above its 5m baseline' has no baseline in this phase attempt ("
                        + c.store.baselines(r.id(), 0, 0).get(1).detail() + "); policy wait: the rule is not evaluated");
    }
}
