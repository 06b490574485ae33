package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.ulid.Ulid;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.migration.writer.OldCodeWriter;
import io.ulidmesh.migration.writer.WriterProcess;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import io.ulidmesh.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 15: the old code keeps inserting rows without a ULID (a real process, 100 rows/s, naming
 * its columns) from before Expand until Contract. Without a second Backfill every row ends with a
 * valid, unique ULID carrying its created_at, Validate passes while the writer writes, the writer
 * never fails, Contract leaves no trace of the write-sync, and Rollback after Contract leaves the
 * catalog as it was before Expand.
 */
@QuarkusTest
class WriteSyncTest extends GrpcTestBase {
    private static final int ROWS = 20_000;
    private static final long FIRST_NEW_ID = 1_000_001;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void rowsTheOldCodeWritesGetUlidsWithoutAnotherBackfill(Engine engine) throws Exception {
        String target = "ws-" + engine.name().toLowerCase(Locale.ROOT);
        try (TargetDb db = TargetDb.create(engine).seed(ROWS)) {
            List<String> catalogBefore = db.catalog();
            Grpc.register(stub, target, db);
            String id = Grpc.create(stub, Grpc.jobsSpec(target).setBatchSize(2000)).getId();
            boolean pg = engine == Engine.POSTGRESQL;
            long inserted;
            try (WriterProcess writer = WriterProcess.start(engine.name(), db.url, pg ? TestPostgres.user() : "",
                    pg ? TestPostgres.password() : "", FIRST_NEW_ID, 100)) {
                Thread.sleep(500);
                stub.expand(step(id));
                stub.backfill(step(id));
                Grpc.awaitState(stub, id, MigrationState.BACKFILLED);
                Thread.sleep(2500);
                assertThat(writer.alive()).as("the writer never fails: %s", writer.output()).isTrue();
                ValidationReport first = stub.validate(step(id));
                assertThat(first.getPassed()).as("problems: %s", first.getProblemsList()).isTrue();
                assertThat(first.getRows()).as("the writer's rows are counted").isGreaterThan(ROWS + 200);
                Thread.sleep(1500);
                ValidationReport second = stub.validate(step(id));
                assertThat(second.getPassed()).as("problems: %s", second.getProblemsList()).isTrue();
                assertThat(second.getRows()).isGreaterThan(first.getRows() + 100);
                assertThat(writer.alive()).as("the writer still writes").isTrue();
                WriterProcess.Result result = writer.stop();
                inserted = result.rows();
                assertThat(inserted).isGreaterThan(400);
            }

            // Rows the writer added after the last Validate: the trigger covered them, or (DuckDB) the follower does within a few seconds.
            long total = ROWS + inserted;
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (db.queryLong("SELECT count(*) FROM jobs WHERE job_ulid IS NULL") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(db.queryLong("SELECT count(*) FROM jobs")).isEqualTo(total);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE job_ulid IS NULL")).isZero();
            assertThat(db.queryLong("SELECT count(DISTINCT job_ulid) FROM jobs")).isEqualTo(total);
            assertNewRowsCarryTheirTime(db);
            Migration m = stub.getMigration(io.ulidmesh.proto.migration.v1.GetMigrationRequest.newBuilder().setId(id).build());
            assertThat(m.getState()).isEqualTo(MigrationState.VALIDATED);

            Migration contracted = stub.contract(step(id));
            assertThat(contracted.getState()).as(contracted.getLastError()).isEqualTo(MigrationState.CONTRACTED);
            assertThat(db.catalog()).as("Contract removes the write-sync").noneMatch(line -> line.contains("ulidmesh_ws_"));
            Migration rolledBack = stub.rollback(step(id));
            assertThat(rolledBack.getState()).as(rolledBack.getLastError()).isEqualTo(MigrationState.ROLLED_BACK);
            assertThat(db.catalog()).as("Rollback after Contract restores the catalog").isEqualTo(expectedAfterRollback(engine, catalogBefore));
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE legacy_id = 'job-' || id")).isEqualTo(total);
        }
    }

    /** Each writer row's ULID holds its created_at (the time rule of the backfill), and is canonical. */
    private static void assertNewRowsCarryTheirTime(TargetDb db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, job_ulid FROM jobs WHERE id >= " + FIRST_NEW_ID + " ORDER BY id")) {
            int rows = 0;
            while (rs.next()) {
                long n = rs.getLong(1) - FIRST_NEW_ID;
                String ulid = rs.getString(2);
                assertThat(ulid).matches("[0-7][0-9A-HJKMNP-TV-Z]{25}");
                assertThat(Ulid.from(ulid).getInstant()).as("row %d", rs.getLong(1))
                        .isEqualTo(OldCodeWriter.BASE_TIME.plusSeconds(n).toInstant(ZoneOffset.UTC));
                rows++;
            }
            assertThat(rows).isGreaterThan(400);
        }
    }

    /**
     * SQLite cannot put NOT NULL back on a column without rebuilding the table, so its restored
     * legacy column is nullable (docs/migrations.md); everything else is as before.
     */
    private static List<String> expectedAfterRollback(Engine engine, List<String> before) {
        if (engine != Engine.SQLITE) {
            return before;
        }
        return before.stream().map(line -> line.equals("column jobs.legacy_id TEXT notnull=1") ? "column jobs.legacy_id TEXT notnull=0" : line)
                .sorted().toList();
    }
}
