package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.ulidmesh.migration.TargetAllowlistSession;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker runs as its own process and is killed with kill -9 in the middle of a backfill. The
 * restarted worker resumes from its checkpoint: every row ends with a unique ULID, and no ULID
 * written before the kill has changed.
 */
class KillNineIT {
    private static final int ROWS = 200_000;
    private static final Map<String, String> CONFIG = Map.of(
            "ulidmesh.migration.secret-key", "a2lsbC1uaW5lLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmc=",
            "ulidmesh.migration.allowed-hosts", TargetAllowlistSession.allowedHosts());

    @Test
    void aKilledWorkerResumesFromItsCheckpointWithoutRewritingAnyUlid() throws Exception {
        String workerDb = TestPostgres.createDatabase("migration_worker_kill");
        try (TargetDb target = TargetDb.create(Engine.POSTGRESQL).seed(ROWS)) {
            int port = ServiceProcess.freePort();
            String id;
            ServiceProcess worker = ServiceProcess.start("migration-worker", workerDb, port, CONFIG);
            ManagedChannel channel = TestChannels.to(port);
            try {
                MigrationServiceGrpc.MigrationServiceBlockingStub stub = MigrationServiceGrpc.newBlockingStub(channel);
                // A password (PostgreSQL here trusts any): the restarted worker must decrypt it from its database.
                stub.registerTarget(RegisterTargetRequest.newBuilder().setName("kill9").setJdbcUrl(target.url)
                        .setUsername(TestPostgres.user()).setPassword("stored-encrypted").build());
                id = Grpc.create(stub, Grpc.jobsSpec("kill9").setBatchSize(1000).setMaxRowsPerSecond(40_000)).getId();
                stub.expand(step(id));
                stub.backfill(step(id));
                while (target.queryLong("SELECT count(job_ulid) FROM jobs") < ROWS / 4) {
                    Thread.sleep(50);
                }
                worker.killHard();
            } finally {
                channel.shutdownNow();
                worker.close();
            }
            Map<Long, String> before = target.ulidsByKey();
            assertThat(before.size()).isBetween(ROWS / 4, ROWS - 1);

            try (ServiceProcess restarted = ServiceProcess.start("migration-worker", workerDb, port, CONFIG)) {
                ManagedChannel again = TestChannels.to(port);
                try {
                    MigrationServiceGrpc.MigrationServiceBlockingStub stub = MigrationServiceGrpc.newBlockingStub(again);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    Migration m = stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
                    while (m.getState() == MigrationState.BACKFILLING && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                        m = stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
                    }
                    assertThat(m.getState()).as(m.getLastError()).isEqualTo(MigrationState.BACKFILLED);
                    assertThat(m.getRowsBackfilled()).isEqualTo(ROWS);
                    assertThat(stub.validate(step(id)).getPassed()).isTrue();
                } finally {
                    again.shutdownNow();
                }
            }
            Map<Long, String> after = target.ulidsByKey();
            assertThat(after).hasSize(ROWS);
            assertThat(after.values()).doesNotHaveDuplicates();
            before.forEach((key, ulid) -> assertThat(after.get(key)).as("row %d", key).isEqualTo(ulid));
        } finally {
            TestPostgres.dropDatabase(workerDb);
        }
    }
}
