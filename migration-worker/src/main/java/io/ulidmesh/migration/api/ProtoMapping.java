package io.ulidmesh.migration.api;

import com.google.protobuf.Message;
import io.ulidmesh.common.grpc.Timestamps;
import io.ulidmesh.migration.domain.BackfillProgress;
import io.ulidmesh.common.text.InputText;
import io.ulidmesh.migration.domain.MigrationRecord;
import io.ulidmesh.migration.domain.Stage;
import io.ulidmesh.migration.domain.BackfillEstimate;
import io.ulidmesh.migration.domain.UlidColumnSpec;
import io.ulidmesh.migration.domain.ValidationResult;
import io.ulidmesh.migration.domain.target.TargetDatabase;
import io.ulidmesh.proto.migration.v1.Dialect;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import java.util.List;

/** Protobuf ⇄ domain. */
final class ProtoMapping {
    private ProtoMapping() {
    }

    static UlidColumnSpec spec(MigrationSpec spec) {
        return new UlidColumnSpec(spec.getName(), spec.getTarget(), spec.getTable(), spec.getKeyColumn(), spec.getUlidColumn(),
                spec.getLegacyColumn(), spec.getTimestampColumn(), spec.getBatchSize(), spec.getMaxRowsPerSecond());
    }

    static io.ulidmesh.proto.migration.v1.BackfillEstimate estimate(BackfillEstimate e) {
        return io.ulidmesh.proto.migration.v1.BackfillEstimate.newBuilder().setRows(e.rows()).setRowsToBackfill(e.rowsToBackfill())
                .setRowsPerSecond(e.rowsPerSecond()).setSeconds(e.seconds()).setBasis(e.basis()).build();
    }

    static MigrationSpec spec(UlidColumnSpec spec) {
        return MigrationSpec.newBuilder().setName(spec.name()).setTarget(spec.target()).setTable(spec.table())
                .setKeyColumn(spec.keyColumn()).setUlidColumn(spec.ulidColumn()).setLegacyColumn(spec.legacyColumn())
                .setTimestampColumn(spec.timestampColumn()).setBatchSize(spec.batchSize()).setMaxRowsPerSecond(spec.maxRowsPerSecond())
                .build();
    }

    static Migration migration(MigrationRecord m) {
        return Migration.newBuilder().setId(m.id()).setSpec(spec(m.spec())).setState(state(m.state()))
                .setRowsTotal(m.rowsTotal()).setRowsBackfilled(m.rowsBackfilled()).setRowsPerSecond(m.rowsPerSecond())
                .setCreatedAt(Timestamps.toProto(m.createdAt())).setUpdatedAt(Timestamps.toProto(m.updatedAt()))
                .setLastError(m.lastError()).setBaselineRows(m.baselineRows()).build();
    }

    static MigrationProgress progress(BackfillProgress p) {
        return MigrationProgress.newBuilder().setId(p.migration().id()).setState(state(p.migration().state()))
                .setRowsDone(p.rowsDone()).setRowsTotal(p.rowsTotal()).setRowsPerSecond(p.rowsPerSecond())
                .setEtaSeconds(p.etaSeconds()).setAt(Timestamps.toProto(p.at())).build();
    }

    static ValidationReport report(ValidationResult r) {
        return ValidationReport.newBuilder().setBaselineRows(r.baselineRows()).setRows(r.rows()).setValid(r.valid())
                .setInvalid(r.invalid()).setNulls(r.nulls()).setDuplicates(r.duplicates()).setPassed(r.passed())
                .addAllProblems(r.problems()).build();
    }

    static Target target(TargetDatabase t) {
        Dialect dialect = switch (t.engine()) {
            case POSTGRESQL -> Dialect.POSTGRESQL;
            case SQLITE -> Dialect.SQLITE;
            case DUCKDB -> Dialect.DUCKDB;
        };
        return Target.newBuilder().setName(t.name()).setJdbcUrl(t.jdbcUrl()).setUsername(t.username()).setDialect(dialect)
                .setHasPassword(t.hasPassword()).build();
    }

    static MigrationState state(Stage stage) {
        return MigrationState.valueOf(stage.name());
    }

    /** {@code request} unless a string anywhere in it holds a NUL, which is refused naming the field (e.g. {@code spec.table}). */
    static <T extends Message> T refuseNul(T request) {
        refuseNul(request, "");
        return request;
    }

    private static void refuseNul(Message message, String prefix) {
        message.getAllFields().forEach((field, value) -> {
            for (Object item : field.isRepeated() ? (List<?>) value : List.of(value)) {
                if (item instanceof String text) {
                    InputText.withoutNul(prefix + field.getName(), text);
                } else if (item instanceof Message nested) {
                    refuseNul(nested, prefix + field.getName() + ".");
                }
            }
        });
    }
}
