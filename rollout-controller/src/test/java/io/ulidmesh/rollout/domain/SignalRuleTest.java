package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.HealthReport.ThresholdHealth;
import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import org.junit.jupiter.api.Test;

/** above_signal rules: a canary's signal against its control's latest value, Kayenta's comparison. */
class SignalRuleTest {
    static final String RULE = "canary more than 20% above control";

    final Controller c = new Controller();

    static String plan(String noData) {
        return """
                name: kayenta
                signals:
                  - { name: canary, source: push, on_no_data: %s }
                  - { name: control, source: push }
                rollback:
                  - { signal: canary, above_signal: control, by: 20%% }
                phases:
                  - { name: only, gate: manual }
                """.formatted(noData);
    }

    void push(String signal, double value) {
        c.actions.report(signal, value, null, System.nanoTime());
    }

    @Test
    void theCanaryBreachesOnlyMoreThanTheMarginAboveTheControlsLatestValue() {
        RolloutRecord r = c.start(plan("wait"));
        push("control", 2);
        push("canary", 2.4);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        ThresholdHealth health = new DeploymentHealth(c.store, c.plans, c.flags, c.signals, BaselineRuleTest.NO_ALERTS)
                .report(r.id()).rollouts().get(0).signals().get(0).thresholds().get(0);
        assertThat(health.threshold()).isEqualTo(2.4);
        assertThat(health.relativeTo()).isEqualTo("control");
        assertThat(health.reference()).isEqualTo(2.0);
        assertThat(health.referenceDetail()).startsWith("control pushed at ");
        assertThat(health.breached()).isFalse();

        // the control's newer value moves the limit: 2.9 is within 20% of 2.5
        push("control", 2.5);
        push("canary", 2.9);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        push("canary", 3.01);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).containsExactly(
                "signal canary = 3.01 breaches rule '" + RULE + "' (control 2.5, limit 3) (1 in a row)");
    }

    @Test
    void aCanaryWithoutAControlValueIsRecordedOnceAndFollowsTheWaitPolicy() {
        RolloutRecord r = c.start(plan("wait"));
        push("canary", 100);
        push("canary", 200);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_NO_DATA)).containsExactly(
                "rule '" + RULE + "' has nothing to compare canary with (no value of control yet); policy wait");
    }

    @Test
    void underTheBreachPolicyACanaryWithoutAControlValueIsABreach() {
        RolloutRecord r = c.start(plan("breach"));
        push("canary", 0);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).containsExactly("signal canary = 0 has nothing to compare"
                + " with (no value of control yet), counted as a breach of rule '" + RULE + "' (1 in a row)");
    }
}
