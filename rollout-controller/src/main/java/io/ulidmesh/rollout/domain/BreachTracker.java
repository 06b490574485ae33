package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.plan.NoDataPolicy;
import io.ulidmesh.rollout.domain.plan.RuleSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts each rule's breaches in a row for one rollout. A value inside the threshold resets the
 * count; a rule fires when its count reaches {@code for}.
 */
public final class BreachTracker {
    private final Map<Integer, Integer> inARow = new HashMap<>();

    /**
     * Outcome of one observation of a rule. {@code countChanged} says the rule's count differs from
     * before (a reset to 0 is a change), so whoever keeps the counts durable must save it.
     */
    public record Verdict(RuleSpec rule, boolean breached, int inARow, boolean fires, boolean countChanged) {
    }

    public BreachTracker() {
        this(Map.of());
    }

    /** Continues from saved counts (rule index to breaches in a row), e.g. those of a previous leader. */
    public BreachTracker(Map<Integer, Integer> counts) {
        counts.forEach((ruleIndex, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException("rule " + ruleIndex + " has a negative breach count " + count);
            }
            if (count > 0) {
                inARow.put(ruleIndex, count);
            }
        });
    }

    /** Feeds one value of a threshold rule (or none: {@code value} null with a BREACH policy counts as a breach). */
    public Verdict observe(int ruleIndex, RuleSpec rule, Double value, NoDataPolicy noData) {
        return observe(ruleIndex, rule, value, null, noData);
    }

    /**
     * Feeds one value with the rule's reference (a relative rule's baseline or other signal; ignored
     * for a threshold). A relative rule without a reference has no data, as a missing value has:
     * the policy decides.
     */
    public Verdict observe(int ruleIndex, RuleSpec rule, Double value, Double reference, NoDataPolicy noData) {
        boolean noValue = value == null || (rule.kind() != RuleSpec.Kind.THRESHOLD && reference == null);
        if (noValue && noData == NoDataPolicy.WAIT) {
            return new Verdict(rule, false, inARow.getOrDefault(ruleIndex, 0), false, false);
        }
        boolean breached = noValue || rule.breachedBy(value, reference);
        if (!breached) {
            boolean wasCounting = inARow.remove(ruleIndex) != null;
            return new Verdict(rule, false, 0, false, wasCounting);
        }
        int count = inARow.merge(ruleIndex, 1, Integer::sum);
        return new Verdict(rule, true, count, count >= rule.forCount(), true);
    }

    public Optional<Integer> count(int ruleIndex) {
        return Optional.ofNullable(inARow.get(ruleIndex));
    }
}
