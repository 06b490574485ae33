package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.migration.writer.WriterProcess;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.testsupport.TestPostgres;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A real blocker: another session holds a lock on the table (an open transaction that read it).
 * Expand's DDL waits at most lock_timeout (500 ms) per attempt and retries with backoff: held 3 s,
 * Expand succeeds and the old code's inserts never queue behind it for long; held past the retry
 * bound (6 s in tests), the migration fails naming the blocking session and nothing changed.
 */
@QuarkusTest
class LockTimeoutTest extends GrpcTestBase {
    private static final int ROWS = 5_000;

    @Inject
    MeterRegistry registry;

    @Test
    void expandWaitsOutABlockerOfThreeSecondsWithoutQueueingTheWriters() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.POSTGRESQL).seed(ROWS)) {
            Grpc.register(stub, "lock-short", db);
            String id = Grpc.create(stub, Grpc.jobsSpec("lock-short")).getId();
            double waitsBefore = waits("lock-short");
            try (WriterProcess writer = WriterProcess.start("POSTGRESQL", db.url, TestPostgres.user(), TestPostgres.password(), 1_000_001, 100);
                 Connection blocker = db.connect()) {
                holdLock(blocker);
                Thread release = new Thread(() -> {
                    try {
                        Thread.sleep(3000);
                        blocker.commit();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long began = System.nanoTime();
                release.start();
                Migration expanded = stub.expand(step(id));
                double seconds = (System.nanoTime() - began) / 1e9;
                release.join();
                assertThat(expanded.getState()).as(expanded.getLastError()).isEqualTo(MigrationState.EXPANDED);
                assertThat(seconds).as("Expand waited for the blocker").isGreaterThan(2.5);
                assertThat(waits("lock-short") - waitsBefore).as("each wait counted").isGreaterThanOrEqualTo(2);
                Thread.sleep(500);
                WriterProcess.Result result = writer.stop();
                // Inserts queue behind the waiting DDL at most lock_timeout (500 ms), never the blocker's 3 s.
                assertThat(result.maxMillis()).as("writer: %s", result).isLessThan(1500);
                assertThat(result.rows()).isGreaterThan(250);
            }
            assertThat(db.columns("jobs")).contains("job_ulid");
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id > 1000000 AND job_ulid IS NULL"))
                    .as("rows the writer inserted after Expand got ULIDs from the write-sync")
                    .isLessThan(db.queryLong("SELECT count(*) FROM jobs WHERE id > 1000000"));
        }
    }

    @Test
    void aBlockerHeldPastTheBoundFailsTheStepNamingTheBlockingSession() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.POSTGRESQL).seed(ROWS)) {
            Grpc.register(stub, "lock-long", db);
            String id = Grpc.create(stub, Grpc.jobsSpec("lock-long")).getId();
            try (Connection blocker = db.connect()) {
                int pid = holdLock(blocker);
                long began = System.nanoTime();
                assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.expand(step(id)),
                        "session pid " + pid + " (query started ", "state idle in transaction", "over 6 s");
                assertThat((System.nanoTime() - began) / 1e9).as("the bound, 6 s in tests").isBetween(5.5, 20.0);
                Migration failed = stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
                assertThat(failed.getState()).isEqualTo(MigrationState.FAILED);
                assertThat(failed.getLastError()).contains("session pid " + pid);
                blocker.rollback();
            }
            assertThat(db.columns("jobs")).as("nothing changed").doesNotContain("job_ulid");
            assertThat(stub.expand(step(id)).getState()).as("the step runs again once the blocker is gone").isEqualTo(MigrationState.EXPANDED);
        }
    }

    /** An open transaction that read the table: its ACCESS SHARE lock blocks any ALTER TABLE. */
    private static int holdLock(Connection blocker) throws Exception {
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid(), count(*) FROM jobs")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private double waits(String target) {
        Counter counter = registry.find("ulidmesh.migration.lock.waits").tag("target", target).counter();
        return counter == null ? 0 : counter.count();
    }
}
