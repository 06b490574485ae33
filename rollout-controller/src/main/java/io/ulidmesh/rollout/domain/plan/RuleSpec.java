package io.ulidmesh.rollout.domain.plan;

import java.time.Duration;

/**
 * A rollback rule: the signal breaching a bound {@code forCount} times in a row. The bound is a
 * fixed threshold ({@code above} or {@code below}), a percentage above the signal's baseline (its
 * mean over {@code baselineWindow} before the phase started), or a percentage ({@code by}) above
 * another signal's latest value ({@code aboveSignal}, a canary against its control as Kayenta
 * compares them). A {@code dryRun} rule records its breaches as events and never rolls back (Argo's
 * analysis dryRun).
 */
public record RuleSpec(String signal, Double above, Double below, Double aboveBaseline, Duration baselineWindow,
                       String aboveSignal, Double by, int forCount, int line, boolean dryRun) {
    /** The baseline window of a rule that names none. */
    public static final Duration DEFAULT_BASELINE_WINDOW = Duration.ofMinutes(5);

    /** What a rule's bound is relative to. */
    public enum Kind {
        /** A fixed threshold. */
        THRESHOLD,
        /** A percentage above the signal's baseline, recorded when the phase starts. */
        BASELINE,
        /** A percentage above another signal's latest value. */
        SIGNAL
    }

    public RuleSpec(String signal, Double above, Double below, int forCount, int line) {
        this(signal, above, below, null, null, null, null, forCount, line, false);
    }

    public Kind kind() {
        return aboveBaseline != null ? Kind.BASELINE : aboveSignal != null ? Kind.SIGNAL : Kind.THRESHOLD;
    }

    /** A fixed threshold's breach; a relative rule needs its reference ({@link #breachedBy(double, Double)}). */
    public boolean breachedBy(double value) {
        return (above != null && value > above) || (below != null && value < below);
    }

    /** Whether {@code value} breaches the rule given its reference (the baseline or the other signal's value; ignored for a threshold). */
    public boolean breachedBy(double value, Double reference) {
        if (kind() == Kind.THRESHOLD) {
            return breachedBy(value);
        }
        Double limit = limit(reference);
        return limit != null && value > limit;
    }

    /**
     * The value the signal must stay at or below (or, for a {@code below} rule, at or above): the
     * threshold, or the reference plus the rule's percentage of its magnitude (so a negative
     * reference works too); null for a relative rule without a reference.
     */
    public Double limit(Double reference) {
        return switch (kind()) {
            case THRESHOLD -> above != null ? above : below;
            case BASELINE -> reference == null ? null : reference + Math.abs(reference) * aboveBaseline / 100;
            case SIGNAL -> reference == null ? null : reference + Math.abs(reference) * by / 100;
        };
    }

    /** "above 5", "below 95", "more than 50% above its 5m baseline", "more than 20% above control_error_rate". */
    public String condition() {
        return switch (kind()) {
            case THRESHOLD -> above != null ? "above " + Numbers.text(above) : "below " + Numbers.text(below);
            case BASELINE -> "more than " + Numbers.text(aboveBaseline) + "% above its " + Durations.format(baselineWindow) + " baseline";
            case SIGNAL -> "more than " + Numbers.text(by) + "% above " + aboveSignal;
        };
    }

    public String describe() {
        return signal + " " + condition() + (forCount > 1 ? " " + forCount + " times in a row" : "") + (dryRun ? " (dry run)" : "");
    }
}
