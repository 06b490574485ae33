package io.ulidmesh.migration.store;

import io.ulidmesh.migration.dialect.TableRef;
import io.ulidmesh.migration.domain.Checkpoint;
import io.ulidmesh.migration.domain.Migration;

/** A migration with its resolved table names and its backfill checkpoint. */
public record StoredMigration(Migration migration, TableRef ref, Checkpoint checkpoint) {
}
