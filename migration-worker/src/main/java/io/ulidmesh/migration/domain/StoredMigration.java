package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.TableRef;

/** A migration with its resolved table names and its backfill checkpoint. */
public record StoredMigration(MigrationRecord migration, TableRef ref, Checkpoint checkpoint) {
}
