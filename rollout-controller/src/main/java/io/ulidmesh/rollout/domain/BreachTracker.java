package io.ulidmesh.rollout.domain;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts each rule's breaches in a row for one rollout. A value inside the threshold resets the
 * count; a rule fires when its count reaches {@code for}.
 */
public final class BreachTracker {
    private final Map<Integer, Integer> inARow = new HashMap<>();

    /** Outcome of one observation of a rule. */
    public record Verdict(RuleSpec rule, boolean breached, int inARow, boolean fires) {
    }

    /** Feeds one value (or none: {@code value} null with a BREACH policy counts as a breach). */
    public Verdict observe(int ruleIndex, RuleSpec rule, Double value, NoDataPolicy noData) {
        boolean breached = value == null ? noData == NoDataPolicy.BREACH : rule.breachedBy(value);
        if (value == null && noData == NoDataPolicy.WAIT) {
            return new Verdict(rule, false, inARow.getOrDefault(ruleIndex, 0), false);
        }
        int count = breached ? inARow.merge(ruleIndex, 1, Integer::sum) : 0;
        if (!breached) {
            inARow.remove(ruleIndex);
        }
        return new Verdict(rule, breached, count, breached && count >= rule.forCount());
    }

    public void reset() {
        inARow.clear();
    }

    public Optional<Integer> count(int ruleIndex) {
        return Optional.ofNullable(inARow.get(ruleIndex));
    }
}
