package io.ulidmesh.rollout.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rollback rules of a plan: fixed thresholds, above_baseline and above_signal, each bad shape a problem with its line. */
class RulesParserTest {
    static final String SIGNALS = """
            name: relative
            signals:
              - { name: p95_latency, source: push }
              - { name: canary_error_rate, source: push }
              - { name: control_error_rate, source: push }
            phases: [ { name: a } ]
            rollback:
            """;

    @Test
    void readsBaselineAndSignalRules() {
        Plan plan = PlanParser.parse(SIGNALS + """
                  - { signal: p95_latency, above_baseline: 50% }
                  - { signal: p95_latency, above_baseline: 25, baseline_window: 10m, for: 3 }
                  - { signal: canary_error_rate, above_signal: control_error_rate, by: 20% }
                  - { signal: canary_error_rate, above: 5 }
                """);
        RuleSpec first = plan.rules().get(0);
        assertThat(first.kind()).isEqualTo(RuleSpec.Kind.BASELINE);
        assertThat(first.aboveBaseline()).isEqualTo(50.0);
        assertThat(first.baselineWindow()).isEqualTo(RuleSpec.DEFAULT_BASELINE_WINDOW).isEqualTo(Duration.ofMinutes(5));
        assertThat(first.line()).isEqualTo(8);
        assertThat(first.describe()).isEqualTo("p95_latency more than 50% above its 5m baseline");
        assertThat(plan.rules().get(1).describe()).isEqualTo("p95_latency more than 25% above its 10m baseline 3 times in a row");
        RuleSpec compare = plan.rules().get(2);
        assertThat(compare.kind()).isEqualTo(RuleSpec.Kind.SIGNAL);
        assertThat(compare.aboveSignal()).isEqualTo("control_error_rate");
        assertThat(compare.by()).isEqualTo(20.0);
        assertThat(compare.describe()).isEqualTo("canary_error_rate more than 20% above control_error_rate");
        assertThat(plan.rules().get(3).kind()).isEqualTo(RuleSpec.Kind.THRESHOLD);
    }

    @Test
    void aRelativeRuleBreachesAboveItsReferencePlusTheMarginAndNeverWithoutOne() {
        RuleSpec baseline = new RuleSpec("s", null, null, 50.0, Duration.ofMinutes(5), null, null, 1, 1, false);
        assertThat(baseline.limit(100.0)).isEqualTo(150.0);
        assertThat(baseline.breachedBy(150, 100.0)).isFalse();
        assertThat(baseline.breachedBy(150.5, 100.0)).isTrue();
        assertThat(baseline.breachedBy(1e9, null)).isFalse();
        assertThat(baseline.limit(null)).isNull();
        // a negative reference grows towards 0 by the margin of its magnitude
        assertThat(baseline.limit(-10.0)).isEqualTo(-5.0);
        RuleSpec compare = new RuleSpec("canary", null, null, null, null, "control", 20.0, 1, 1, false);
        assertThat(compare.breachedBy(1.2, 1.0)).isFalse();
        assertThat(compare.breachedBy(1.21, 1.0)).isTrue();
        // a control at 0: any error on the canary exceeds it
        assertThat(compare.breachedBy(0.01, 0.0)).isTrue();
        assertThat(new RuleSpec("s", 5.0, null, 1, 1).breachedBy(6, 1000.0)).isTrue();
    }

    @Test
    void listsEveryBadShapeWithItsLine() {
        String yaml = SIGNALS + """
                  - { signal: p95_latency, above_baseline: 50%, above: 200 }
                  - { signal: p95_latency, above_baseline: -10% }
                  - { signal: p95_latency, above: 200, baseline_window: 5m }
                  - { signal: p95_latency, above_baseline: 10%, baseline_window: 2h }
                  - { signal: p95_latency, above_baseline: 10%, baseline_window: soon }
                  - { signal: canary_error_rate, above_signal: control_error_rate }
                  - { signal: canary_error_rate, above_signal: nowhere, by: 5% }
                  - { signal: canary_error_rate, above_signal: canary_error_rate, by: 5% }
                  - { signal: canary_error_rate, above_signal: control_error_rate, by: -1% }
                  - { signal: canary_error_rate, above: 1, by: 5% }
                  - { signal: p95_latency, above_baseline: lots }
                """;
        assertThatThrownBy(() -> PlanParser.parse(yaml)).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).startsWith("invalid plan (11 problems): ").contains(
                    "line 8: rollback[0]: needs exactly one of above, below, above_baseline or above_signal",
                    "line 9: rollback[1].above_baseline: -10% is negative; a margin is 0% or more",
                    "line 10: rollback[2].baseline_window: only a rule with above_baseline takes it",
                    "line 11: rollback[3].baseline_window: 2h must be more than 0 and at most 1h",
                    "line 12: rollback[4].baseline_window: 'soon' is not a duration",
                    "line 13: rollback[5]: above_signal needs by, the margin like 20%",
                    "line 14: rollback[6].above_signal: 'nowhere' is not declared under signals",
                    "line 15: rollback[7].above_signal: a signal cannot be compared with itself",
                    "line 16: rollback[8].by: -1% is negative; a margin is 0% or more",
                    "line 17: rollback[9].by: only a rule with above_signal takes it",
                    "line 18: rollback[10].above_baseline: 'lots' is not a number");
        });
    }
}
