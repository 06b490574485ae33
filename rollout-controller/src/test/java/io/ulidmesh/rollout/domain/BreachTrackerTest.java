package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.rollout.domain.plan.NoDataPolicy;
import io.ulidmesh.rollout.domain.plan.RuleSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Breaches in a row continued from saved counts, and which observations change a count (and so must be saved). */
class BreachTrackerTest {
    static final RuleSpec ERRORS_THREE_TIMES = new RuleSpec("errors", 5.0, null, 3, 1);
    static final RuleSpec DELIVERY_TWICE = new RuleSpec("delivery", null, 95.0, 2, 2);

    @Test
    void aSeededCountContinuesSoOneMoreBreachFires() {
        BreachTracker t = new BreachTracker(Map.of(0, 2));
        assertThat(t.count(0)).contains(2);
        assertThat(t.observe(0, ERRORS_THREE_TIMES, 9.0, NoDataPolicy.WAIT))
                .isEqualTo(new BreachTracker.Verdict(ERRORS_THREE_TIMES, true, 3, true, true));
    }

    @Test
    void aGoodValueResetsASeededCountAndThatResetIsAChange() {
        BreachTracker t = new BreachTracker(Map.of(0, 2, 1, 1));
        assertThat(t.observe(0, ERRORS_THREE_TIMES, 1.0, NoDataPolicy.WAIT))
                .isEqualTo(new BreachTracker.Verdict(ERRORS_THREE_TIMES, false, 0, false, true));
        assertThat(t.count(0)).isEmpty();
        assertThat(t.observe(0, ERRORS_THREE_TIMES, 9.0, NoDataPolicy.WAIT))
                .isEqualTo(new BreachTracker.Verdict(ERRORS_THREE_TIMES, true, 1, false, true));
        // the other rule's count is its own
        assertThat(t.count(1)).contains(1);
        assertThat(t.observe(1, DELIVERY_TWICE, 90.0, NoDataPolicy.WAIT).fires()).isTrue();
    }

    @Test
    void onlyObservationsThatMoveACountAreChanges() {
        BreachTracker t = new BreachTracker();
        // a good value on a rule at 0 and a gap under WAIT leave the count where it was
        assertThat(t.observe(0, ERRORS_THREE_TIMES, 1.0, NoDataPolicy.WAIT).countChanged()).isFalse();
        assertThat(t.observe(0, ERRORS_THREE_TIMES, 9.0, NoDataPolicy.WAIT).countChanged()).isTrue();
        assertThat(t.observe(0, ERRORS_THREE_TIMES, null, NoDataPolicy.WAIT))
                .isEqualTo(new BreachTracker.Verdict(ERRORS_THREE_TIMES, false, 1, false, false));
        assertThat(t.observe(0, ERRORS_THREE_TIMES, null, NoDataPolicy.BREACH))
                .isEqualTo(new BreachTracker.Verdict(ERRORS_THREE_TIMES, true, 2, false, true));
    }

    @Test
    void zeroCountsSeedNothingAndNegativeOnesAreRefused() {
        BreachTracker t = new BreachTracker(Map.of(0, 0));
        assertThat(t.count(0)).isEmpty();
        assertThat(t.observe(0, ERRORS_THREE_TIMES, 1.0, NoDataPolicy.WAIT).countChanged()).isFalse();
        assertThatThrownBy(() -> new BreachTracker(Map.of(0, -1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule 0 has a negative breach count -1");
    }

    @Test
    void countsInARowAndAGoodValueResets() {
        RuleSpec rule = new RuleSpec("s", null, 95.0, 2, 1);
        BreachTracker t = new BreachTracker();
        assertThat(t.observe(0, rule, 90.0, NoDataPolicy.WAIT).fires()).isFalse();
        assertThat(t.observe(0, rule, 99.0, NoDataPolicy.WAIT).breached()).isFalse();
        assertThat(t.observe(0, rule, 90.0, NoDataPolicy.WAIT).fires()).isFalse();
        assertThat(t.observe(0, rule, null, NoDataPolicy.WAIT).fires()).isFalse();
        assertThat(t.observe(0, rule, 90.0, NoDataPolicy.WAIT).fires()).isTrue();
        // a tracker starts from 0, as a new phase attempt's does
        t = new BreachTracker();
        assertThat(t.observe(0, rule, null, NoDataPolicy.BREACH).breached()).isTrue();
        assertThat(t.observe(0, rule, null, NoDataPolicy.BREACH).fires()).isTrue();
        assertThat(rule.describe()).isEqualTo("s below 95 2 times in a row");
    }
}
