package io.ulidmesh.rollout.domain.plan;

import java.util.List;

/** A migration a phase runs through the migration worker; the steps are a prefix of expand, backfill, validate, contract. */
public record PlannedMigration(String target, String table, String key, String ulidColumn, String legacyColumn,
                               String timestampColumn, int batchSize, int maxRowsPerSecond, List<MigrationStep> steps) {
}
