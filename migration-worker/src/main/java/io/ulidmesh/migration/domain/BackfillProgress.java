package io.ulidmesh.migration.domain;

import java.time.Instant;

/** Progress of a migration, live while its backfill runs here, else as last checkpointed. */
public record BackfillProgress(MigrationRecord migration, long rowsDone, long rowsTotal, double rowsPerSecond, long etaSeconds,
                               Instant at) {
}
