package io.ulidmesh.migration.domain;

import java.time.Instant;

/**
 * A migration as stored: its spec, stage and backfill progress. {@code settledState} is the last state whose work is complete: equal to
 * {@code state} except after a failure, where it says which step a retry starts from.
 */
public record MigrationRecord(String id, UlidColumnSpec spec, Stage state, Stage settledState,
                        long rowsTotal, long baselineRows, long rowsBackfilled, double rowsPerSecond,
                        Instant createdAt, Instant updatedAt, String lastError) {

    /** The state that decides what a step may do: the settled state after a failure, else the state. */
    public Stage effectiveState() {
        return state == Stage.FAILED ? settledState : state;
    }

    public MigrationRecord withProgress(long total, long done, double rate) {
        return new MigrationRecord(id, spec, state, settledState, total, baselineRows, done, rate, createdAt, updatedAt, lastError);
    }
}
