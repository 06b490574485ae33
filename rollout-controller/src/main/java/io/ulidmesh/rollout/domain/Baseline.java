package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.plan.Numbers;
import java.time.Duration;
import java.time.Instant;

/**
 * The reference of an {@code above_baseline} rule (by its index in the plan) in one phase attempt:
 * the signal's mean over {@code window} before {@code at}, when the phase started, or none
 * ({@code value} null) with {@code detail} saying why. Recorded in the journal when the phase
 * starts and read back, never recomputed, after a restart or takeover.
 */
public record Baseline(int ruleIdx, Double value, Duration window, Instant at, String detail) {

    /** "100 (mean of 12 values ...)" or "none (no value ...)". */
    public String text() {
        return (value == null ? "none" : Numbers.text(value)) + " (" + detail + ")";
    }
}
