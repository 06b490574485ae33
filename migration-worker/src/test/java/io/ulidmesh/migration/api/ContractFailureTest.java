package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Contract fails on a real problem the old application code made after a passed validation. The
 * failure is FAILED_PRECONDITION naming the problem and recorded on the migration, the legacy
 * column stays as it was, and Rollback leaves the target exactly as before the migration; or the
 * problem is fixed and Backfill, Validate and Contract succeed. What Contract can see coming (a view
 * or an index on the legacy column) it refuses before changing anything.
 */
@QuarkusTest
class ContractFailureTest extends GrpcTestBase {
    private static final int ROWS = 3_000;
    /** Every row, old or inserted meanwhile, with its legacy value: what must survive byte for byte. */
    private static final String LEGACY_VALUES = "SELECT id || ' ' || legacy_id FROM jobs ORDER BY id";

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aDuplicateUlidFailsContractAndRollbackLeavesTheTargetAsBefore(Engine engine) throws Exception {
        try (TargetDb db = TargetDb.create(engine).seed(ROWS)) {
            List<String> catalogBefore = db.catalog();
            String id = validatedMigration(db, "dup-" + engine.name().toLowerCase(Locale.ROOT));
            oldCodeCopiesJobOneWithItsUlidAndAddsAJobWithout(db);
            List<String> legacy = db.strings(LEGACY_VALUES);

            String error = contractFails(id);
            assertThat(error).containsPattern("(?i)duplicate|unique")
                    .as("the engine's own text stays in the worker's log").doesNotContain("Key (", "constraint failed:", "Data contains");
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE job_ulid IS NULL"))
                    .as("a job without a ULID fails nothing: Contract's catch-up gave it one").isZero();
            assertThat(db.strings(LEGACY_VALUES)).as("the legacy column is untouched").isEqualTo(legacy);
            if (engine == Engine.POSTGRESQL) {
                assertThat(db.catalog()).as("the failed concurrent build leaves an INVALID index")
                        .contains("index ulidmesh_uq_" + id.toLowerCase(Locale.ROOT) + " valid=false");
            }

            rollBackToTheTargetBefore(db, id, catalogBefore, legacy);
        }
    }

    /**
     * A view or an index on the legacy column would break, or be lost, when Contract drops it: Contract
     * refuses before changing anything, so the old code keeps working, and goes through once the
     * operator has dealt with them.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aViewOrIndexOnTheLegacyColumnRefusesContractBeforeAnythingChanges(Engine engine) throws Exception {
        try (TargetDb db = TargetDb.create(engine).seed(ROWS)) {
            db.execute("CREATE VIEW job_names AS SELECT id, legacy_id FROM jobs");
            String id = validatedMigration(db, "view-" + engine.name().toLowerCase(Locale.ROOT));
            List<String> catalogValidated = db.catalog();

            assertThat(contractRefused(id)).contains("job_names");
            assertThat(db.catalog()).isEqualTo(catalogValidated);
            db.execute("INSERT INTO jobs (id, legacy_id, created_at) SELECT " + (ROWS + 1) + ", 'job-" + (ROWS + 1)
                    + "', created_at FROM jobs WHERE id = 1"); // the old code still inserts without a ULID

            db.execute("DROP VIEW job_names");
            db.execute("CREATE INDEX jobs_by_legacy ON jobs (legacy_id)");
            assertThat(contractRefused(id)).contains("jobs_by_legacy");
            db.execute("DROP INDEX jobs_by_legacy");

            Migration contracted = stub.contract(step(id));
            assertThat(contracted.getState()).as(contracted.getLastError()).isEqualTo(MigrationState.CONTRACTED);
            assertThat(db.queryLong("SELECT count(DISTINCT job_ulid) FROM jobs")).isEqualTo(ROWS + 1);
            assertThat(db.columns("jobs")).doesNotContain("legacy_id");
        }
    }

    /** Only what would break or be lost stops Contract: a DEFAULT goes with the column; an owned sequence would be lost. */
    @Test
    void onPostgresqlADefaultDoesNotStopContractButAnOwnedSequenceDoes() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.POSTGRESQL).seed(ROWS)) {
            db.execute("CREATE SEQUENCE jobs_legacy_seq OWNED BY jobs.legacy_id");
            db.execute("ALTER TABLE jobs ALTER COLUMN legacy_id SET DEFAULT 'job-' || nextval('jobs_legacy_seq')");
            String id = validatedMigration(db, "default-pg");

            assertThat(contractRefused(id)).contains("sequence jobs_legacy_seq").doesNotContain("default");
            db.execute("ALTER SEQUENCE jobs_legacy_seq OWNED BY NONE");

            Migration contracted = stub.contract(step(id));
            assertThat(contracted.getState()).as(contracted.getLastError()).isEqualTo(MigrationState.CONTRACTED);
        }
    }

    @Test
    void afterTheDuplicateIsClearedBackfillValidateAndContractSucceed() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.POSTGRESQL).seed(ROWS)) {
            String id = validatedMigration(db, "dup-fixed");
            oldCodeCopiesJobOneWithItsUlidAndAddsAJobWithout(db);
            contractFails(id);

            ValidationReport seen = stub.validate(step(id));
            assertThat(seen.getPassed()).isFalse();
            assertThat(seen.getDuplicates()).isEqualTo(1);
            db.execute("UPDATE jobs SET job_ulid = NULL WHERE id = " + (ROWS + 1));
            stub.backfill(step(id));
            Grpc.awaitState(stub, id, MigrationState.BACKFILLED);
            assertThat(stub.validate(step(id)).getPassed()).isTrue();
            Migration contracted = stub.contract(step(id));

            assertThat(contracted.getState()).as(contracted.getLastError()).isEqualTo(MigrationState.CONTRACTED);
            assertThat(db.catalog()).as("the INVALID leftover is replaced by a valid index")
                    .contains("index ulidmesh_uq_" + id.toLowerCase(Locale.ROOT) + " valid=true");
            assertThat(db.columns("jobs")).containsExactly("id", "created_at", "payload", "job_ulid");
            assertThat(db.queryLong("SELECT count(DISTINCT job_ulid) FROM jobs")).isEqualTo(ROWS + 2);
        }
    }

    /** Registers the target, then Expand, Backfill and a passed Validate. */
    private static String validatedMigration(TargetDb db, String target) throws InterruptedException {
        Grpc.register(stub, target, db);
        String id = Grpc.create(stub, Grpc.jobsSpec(target).setBatchSize(1000)).getId();
        stub.expand(step(id));
        stub.backfill(step(id));
        Grpc.awaitState(stub, id, MigrationState.BACKFILLED);
        ValidationReport report = stub.validate(step(id));
        assertThat(report.getPassed()).as("problems: %s", report.getProblemsList()).isTrue();
        return id;
    }

    /** The old code, still deployed, duplicates job 1 copying every column, and inserts a job the usual way. */
    private static void oldCodeCopiesJobOneWithItsUlidAndAddsAJobWithout(TargetDb db) throws SQLException {
        db.execute("INSERT INTO jobs (id, legacy_id, created_at, payload, job_ulid) SELECT " + (ROWS + 1) + ", 'job-" + (ROWS + 1)
                + "', created_at, payload, job_ulid FROM jobs WHERE id = 1");
        db.execute("INSERT INTO jobs (id, legacy_id, created_at) SELECT " + (ROWS + 2) + ", 'job-" + (ROWS + 2)
                + "', created_at FROM jobs WHERE id = 2");
    }

    /** Contract is refused with FAILED_PRECONDITION, and the migration records the failure; returns the message. */
    private static String contractFails(String id) {
        String message = assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.contract(step(id))).getDescription();
        assertThat(message).startsWith("contract of migration " + id + " failed");
        Migration failed = stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
        assertThat(failed.getState()).isEqualTo(MigrationState.FAILED);
        assertThat(message).endsWith(failed.getLastError());
        return message;
    }

    /** Contract is refused with FAILED_PRECONDITION and nothing recorded: the migration stays VALIDATED; returns the message. */
    private static String contractRefused(String id) {
        String message = assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.contract(step(id))).getDescription();
        assertThat(message).startsWith("contract of migration " + id + " refused, nothing changed");
        Migration m = stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
        assertThat(m.getState()).isEqualTo(MigrationState.VALIDATED);
        return message;
    }

    /** Rollback with a reason: the ULID column and all Contract made are gone, every legacy value is as it was. */
    private static void rollBackToTheTargetBefore(TargetDb db, String id, List<String> catalogBefore, List<String> legacy)
            throws SQLException {
        Migration rolledBack = stub.rollback(step(id));
        assertThat(rolledBack.getState()).as(rolledBack.getLastError()).isEqualTo(MigrationState.ROLLED_BACK);
        assertThat(db.catalog()).isEqualTo(catalogBefore);
        assertThat(db.strings(LEGACY_VALUES)).isEqualTo(legacy);
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE legacy_id = 'job-' || id")).isEqualTo(legacy.size());
    }
}
