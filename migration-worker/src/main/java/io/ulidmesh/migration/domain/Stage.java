package io.ulidmesh.migration.domain;

/** Where a migration is in its lifecycle; see {@link Steps} for the allowed moves. */
public enum Stage {
    CREATED, EXPANDED, BACKFILLING, PAUSED, BACKFILLED, VALIDATED, CONTRACTED, ROLLED_BACK, FAILED
}
