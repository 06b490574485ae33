package io.ulidmesh.rollout.domain.plan;

/**
 * A rollback rule: the signal above or below a threshold {@code forCount} times in a row. A
 * {@code dryRun} rule records its breaches as events and never rolls back (Argo's analysis dryRun).
 */
public record RuleSpec(String signal, Double above, Double below, int forCount, int line, boolean dryRun) {
    public RuleSpec(String signal, Double above, Double below, int forCount, int line) {
        this(signal, above, below, forCount, line, false);
    }


    public boolean breachedBy(double value) {
        return (above != null && value > above) || (below != null && value < below);
    }

    public String describe() {
        return signal + (above != null ? " above " + Numbers.text(above) : " below " + Numbers.text(below))
                + (forCount > 1 ? " " + forCount + " times in a row" : "") + (dryRun ? " (dry run)" : "");
    }
}
