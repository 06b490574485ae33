package io.ulidmesh.migration.api;

import com.google.protobuf.Timestamp;
import io.ulidmesh.migration.dialect.Engine;
import io.ulidmesh.migration.service.MigrationService;
import io.ulidmesh.proto.migration.v1.Dialect;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import java.time.Instant;

/** Protobuf ⇄ domain. */
final class ProtoMapper {
    private ProtoMapper() {
    }

    static io.ulidmesh.migration.domain.MigrationSpec spec(MigrationSpec spec) {
        return new io.ulidmesh.migration.domain.MigrationSpec(spec.getName(), spec.getTarget(), spec.getTable(), spec.getKeyColumn(),
                spec.getUlidColumn(), spec.getLegacyColumn(), spec.getTimestampColumn(), spec.getBatchSize(), spec.getMaxRowsPerSecond());
    }

    static MigrationSpec spec(io.ulidmesh.migration.domain.MigrationSpec spec) {
        return MigrationSpec.newBuilder().setName(spec.name()).setTarget(spec.target()).setTable(spec.table())
                .setKeyColumn(spec.keyColumn()).setUlidColumn(spec.ulidColumn()).setLegacyColumn(spec.legacyColumn())
                .setTimestampColumn(spec.timestampColumn()).setBatchSize(spec.batchSize()).setMaxRowsPerSecond(spec.maxRowsPerSecond())
                .build();
    }

    static Migration migration(io.ulidmesh.migration.domain.Migration m) {
        return Migration.newBuilder().setId(m.id()).setSpec(spec(m.spec())).setState(state(m.state()))
                .setRowsTotal(m.rowsTotal()).setRowsBackfilled(m.rowsBackfilled()).setRowsPerSecond(m.rowsPerSecond())
                .setCreatedAt(timestamp(m.createdAt())).setUpdatedAt(timestamp(m.updatedAt())).setLastError(m.lastError())
                .setBaselineRows(m.baselineRows()).build();
    }

    static MigrationProgress progress(MigrationService.Progress p) {
        return MigrationProgress.newBuilder().setId(p.migration().id()).setState(state(p.migration().state()))
                .setRowsDone(p.rowsDone()).setRowsTotal(p.rowsTotal()).setRowsPerSecond(p.rowsPerSecond())
                .setEtaSeconds(p.etaSeconds()).setAt(timestamp(p.at())).build();
    }

    static ValidationReport report(io.ulidmesh.migration.domain.ValidationReport r) {
        return ValidationReport.newBuilder().setBaselineRows(r.baselineRows()).setRows(r.rows()).setValid(r.valid())
                .setInvalid(r.invalid()).setNulls(r.nulls()).setDuplicates(r.duplicates()).setPassed(r.passed())
                .addAllProblems(r.problems()).build();
    }

    static Target target(io.ulidmesh.migration.domain.Target t) {
        Dialect dialect = switch (Engine.ofUrl(t.jdbcUrl())) {
            case POSTGRESQL -> Dialect.POSTGRESQL;
            case SQLITE -> Dialect.SQLITE;
            case DUCKDB -> Dialect.DUCKDB;
        };
        return Target.newBuilder().setName(t.name()).setJdbcUrl(t.jdbcUrl()).setUsername(t.username()).setDialect(dialect)
                .setHasPassword(t.hasPassword()).build();
    }

    static MigrationState state(io.ulidmesh.migration.domain.MigrationState state) {
        return MigrationState.valueOf(state.name());
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
