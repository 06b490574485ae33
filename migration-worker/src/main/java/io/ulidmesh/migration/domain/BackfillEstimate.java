package io.ulidmesh.migration.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * How many rows a backfill has ahead of it and how long it should take. The rate is the slower of
 * the spec's throttle and the newest backfill measured on the same target: the throttle caps what a
 * backfill may do, the observed rate is what this worker and that database managed.
 */
public record BackfillEstimate(long rows, long rowsToBackfill, double rowsPerSecond, long seconds, String basis) {

    /** A backfill's last measured rate, for the estimate's basis. */
    public record Observed(String migrationId, double rowsPerSecond) {
    }

    public static BackfillEstimate of(long rows, long rowsToBackfill, int maxRowsPerSecond, Optional<Observed> observed) {
        double rate;
        String basis;
        if (observed.isPresent() && (maxRowsPerSecond <= 0 || observed.get().rowsPerSecond() < maxRowsPerSecond)) {
            rate = observed.get().rowsPerSecond();
            basis = String.format(Locale.ROOT, "observed: migration %s on this target backfilled %.0f rows/s",
                    observed.get().migrationId(), rate);
        } else if (maxRowsPerSecond > 0) {
            rate = maxRowsPerSecond;
            basis = "throttle";
        } else {
            rate = 0;
            basis = "unknown: unthrottled, and no backfill on this target has been measured yet";
        }
        return new BackfillEstimate(rows, rowsToBackfill, rate, RateMeter.etaSeconds(rowsToBackfill, rate), basis);
    }
}
