package io.ulidmesh.migration.domain;

import java.time.Instant;

/**
 * A migration as stored. {@code settledState} is the last state whose work is complete: equal to
 * {@code state} except after a failure, where it says which step a retry starts from.
 */
public record Migration(String id, MigrationSpec spec, MigrationState state, MigrationState settledState,
                        long rowsTotal, long baselineRows, long rowsBackfilled, double rowsPerSecond,
                        Instant createdAt, Instant updatedAt, String lastError) {

    /** The state that decides what a step may do: the settled state after a failure, else the state. */
    public MigrationState effectiveState() {
        return state == MigrationState.FAILED ? settledState : state;
    }

    public Migration withProgress(long total, long done, double rate) {
        return new Migration(id, spec, state, settledState, total, baselineRows, done, rate, createdAt, updatedAt, lastError);
    }
}
