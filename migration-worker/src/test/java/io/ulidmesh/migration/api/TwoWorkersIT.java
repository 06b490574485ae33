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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: two worker processes share one worker database. The backfill runs on the worker that
 * claimed it, never on both (the other writes no row); killed with kill -9, the other worker takes
 * it over from the checkpoint: every row ends with a unique ULID and none written before the kill
 * changes.
 */
class TwoWorkersIT {
    private static final int ROWS = 200_000;
    private static final Map<String, String> CONFIG = Map.of(
            "ulidmesh.migration.secret-key", "a2lsbC1uaW5lLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmc=",
            "ulidmesh.migration.allowed-hosts", TargetAllowlistSession.allowedHosts());
    private static final Pattern ROWS_WRITTEN = Pattern.compile("(?m)^ulidmesh_backfill_rows_total\\{[^}]*target=\"two\"[^}]*} ([0-9.E]+)$");

    @Test
    void onlyTheClaimingWorkerBackfillsAndTheOtherTakesOverAfterAKill() throws Exception {
        String workerDb = TestPostgres.createDatabase("migration_two_workers");
        try (TargetDb target = TargetDb.create(Engine.POSTGRESQL).seed(ROWS);
             ServiceProcess first = ServiceProcess.start("migration-worker", workerDb, ServiceProcess.freePort(), CONFIG);
             ServiceProcess second = ServiceProcess.start("migration-worker", workerDb, ServiceProcess.freePort(), CONFIG)) {
            ManagedChannel one = TestChannels.to(first.port());
            ManagedChannel two = TestChannels.to(second.port());
            try {
                MigrationServiceGrpc.MigrationServiceBlockingStub a = MigrationServiceGrpc.newBlockingStub(one);
                MigrationServiceGrpc.MigrationServiceBlockingStub b = MigrationServiceGrpc.newBlockingStub(two);
                RegisterTargetRequest register = RegisterTargetRequest.newBuilder().setName("two").setJdbcUrl(target.url)
                        .setUsername(TestPostgres.user()).setPassword("stored-encrypted").build();
                a.registerTarget(register);
                b.registerTarget(register);
                String id = Grpc.create(a, Grpc.jobsSpec("two").setBatchSize(1000).setMaxRowsPerSecond(20_000)).getId();
                a.expand(step(id));
                a.backfill(step(id));
                while (target.queryLong("SELECT count(job_ulid) FROM jobs") < ROWS / 5) {
                    Thread.sleep(100);
                }
                // The second worker looks for unclaimed backfills every second: it must not run this one.
                Thread.sleep(3000);
                assertThat(rowsWritten(second)).as("the second worker wrote nothing while the first held the claim").isZero();
                assertThat(rowsWritten(first)).isPositive();

                first.killHard();
                Map<Long, String> before = target.ulidsByKey();
                assertThat(before.size()).isBetween(ROWS / 5, ROWS - 1);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                Migration m = b.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
                while (m.getState() == MigrationState.BACKFILLING && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    m = b.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
                }
                assertThat(m.getState()).as(m.getLastError()).isEqualTo(MigrationState.BACKFILLED);
                double takenOver = rowsWritten(second);
                assertThat(takenOver).as("resumed from the checkpoint, not from the first row")
                        .isPositive().isLessThanOrEqualTo(ROWS - before.size() + 1000);
                assertThat(b.validate(step(id)).getPassed()).isTrue();

                Map<Long, String> after = target.ulidsByKey();
                assertThat(after).hasSize(ROWS);
                assertThat(after.values()).doesNotHaveDuplicates();
                before.forEach((key, ulid) -> assertThat(after.get(key)).as("row %d", key).isEqualTo(ulid));
            } finally {
                one.shutdownNow();
                two.shutdownNow();
            }
        } finally {
            TestPostgres.dropDatabase(workerDb);
        }
    }

    /** The worker's ulidmesh_backfill_rows_total for target "two", 0 before its first batch. */
    private static double rowsWritten(ServiceProcess worker) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = ROWS_WRITTEN.matcher(metrics.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
