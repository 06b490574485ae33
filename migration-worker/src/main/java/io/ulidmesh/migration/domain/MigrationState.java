package io.ulidmesh.migration.domain;

/** Where a migration is; see {@link Steps} for the allowed moves. */
public enum MigrationState {
    CREATED, EXPANDED, BACKFILLING, PAUSED, BACKFILLED, VALIDATED, CONTRACTED, ROLLED_BACK, FAILED
}
