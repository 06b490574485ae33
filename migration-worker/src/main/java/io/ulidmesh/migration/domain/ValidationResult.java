package io.ulidmesh.migration.domain;

import java.util.ArrayList;
import java.util.List;

/** What Validate found; {@link #of} decides whether it passes. */
public record ValidationResult(long baselineRows, long rows, long valid, long invalid, long nulls, long duplicates,
                               boolean passed, List<String> problems) {

    /**
     * Passes when no ULID is invalid, NULL or duplicated and the row count has not fallen more than
     * {@code tolerancePercent} below the baseline (the planning document's ±0.01 % by default).
     * Growth passes: the application keeps inserting during a migration; only loss is a problem.
     */
    public static ValidationResult of(long baselineRows, long rows, long valid, long invalid, long nulls,
                                      long duplicates, double tolerancePercent) {
        List<String> problems = new ArrayList<>();
        if (invalid > 0) {
            problems.add(invalid + " rows hold a value that is not a canonical (upper-case) ULID");
        }
        if (nulls > 0) {
            problems.add(nulls + " rows have no ULID");
        }
        if (duplicates > 0) {
            problems.add(duplicates + " ULID values are held by more than one row");
        }
        double allowed = baselineRows * tolerancePercent / 100.0;
        if (baselineRows - rows > allowed) {
            problems.add("row count " + rows + " is below the baseline " + baselineRows + " by more than "
                    + tolerancePercent + " %");
        }
        return new ValidationResult(baselineRows, rows, valid, invalid, nulls, duplicates, problems.isEmpty(), List.copyOf(problems));
    }
}
