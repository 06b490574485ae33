package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.TuneRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Tune changes a running backfill's throttle from its next batch: a backfill crawling at 200 rows/s
 * (about 150 s for its table) finishes within seconds once unthrottled. Each Tune is recorded with
 * its actor and reason, counted, and refused with exact codes when out of range or too late.
 */
@QuarkusTest
class TuneTest extends GrpcTestBase {
    private static final int ROWS = 30_000;

    @Inject
    DataSource workerDb;

    @Inject
    MeterRegistry registry;

    @Test
    void aRunningBackfillTakesTheNewThrottleFromItsNextBatch() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.SQLITE).seed(ROWS)) {
            Grpc.register(stub, "tune", db);
            String id = Grpc.create(stub, Grpc.jobsSpec("tune").setBatchSize(100).setMaxRowsPerSecond(200)).getId();
            stub.expand(step(id));
            stub.backfill(step(id));
            Thread.sleep(2000);
            long crawled = db.queryLong("SELECT count(job_ulid) FROM jobs");
            assertThat(crawled).as("throttled to 200 rows/s").isBetween(100L, 1000L);

            // Out of range: refused, nothing changes.
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.tune(tune(id).setBatchSize(60_000).build()), "batch_size 60000");
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.tune(tune(id).setMaxRowsPerSecond(-1).build()), "max_rows_per_second");
            assertThat(get(id).getSpec().getMaxRowsPerSecond()).isEqualTo(200);
            // A viewer may not tune.
            MigrationServiceGrpc.MigrationServiceBlockingStub viewer = MigrationServiceGrpc.newBlockingStub(
                    TestChannels.withToken(channel, TestTokens.token("someone", "viewer")));
            assertStatus(Status.Code.PERMISSION_DENIED, () -> viewer.tune(tune(id).setMaxRowsPerSecond(0).build()));

            double tunesBefore = tunes();
            long began = System.nanoTime();
            MigrationServiceGrpc.MigrationServiceBlockingStub operator = MigrationServiceGrpc.newBlockingStub(
                    TestChannels.withToken(channel, TestTokens.token("night-operator", "operator")));
            Migration tuned = operator.tune(tune(id).setMaxRowsPerSecond(0).setBatchSize(5000).build());
            assertThat(tuned.getSpec().getMaxRowsPerSecond()).isZero();
            assertThat(tuned.getSpec().getBatchSize()).isEqualTo(5000);
            Grpc.awaitState(stub, id, MigrationState.BACKFILLED);
            assertThat((System.nanoTime() - began) / 1e9).as("unthrottled, the rest takes seconds, not ~%d s", ROWS / 200).isLessThan(30);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE job_ulid IS NULL")).isZero();
            assertThat(tunes() - tunesBefore).isEqualTo(1);
            assertThat(tuneEvent(id)).isEqualTo("night-operator|slow night|batch_size 100 -> 5000, max_rows_per_second 200 -> 0");

            // Unset fields keep their values.
            assertThat(stub.tune(TuneRequest.newBuilder().setId(id).setReason("r").setMaxRowsPerSecond(300).build()).getSpec().getBatchSize())
                    .isEqualTo(5000);
            stub.rollback(step(id));
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> stub.tune(tune(id).setMaxRowsPerSecond(10).build()), "ROLLED_BACK");
            assertStatus(Status.Code.NOT_FOUND, () -> stub.tune(tune("01J00000000000000000000000").setMaxRowsPerSecond(10).build()));
        }
    }

    private static TuneRequest.Builder tune(String id) {
        return TuneRequest.newBuilder().setId(id).setReason("slow night");
    }

    private static Migration get(String id) {
        return stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
    }

    private double tunes() {
        var counter = registry.find("ulidmesh.migration.tunes").tag("target", "tune").counter();
        return counter == null ? 0 : counter.count();
    }

    /** The first "tune" event: actor|reason|detail. */
    private String tuneEvent(String id) throws Exception {
        try (Connection c = workerDb.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT actor || '|' || reason || '|' || detail FROM migration_event WHERE step = 'tune' AND migration_id = ?::uuid"
                        + " ORDER BY id LIMIT 1")) {
            ps.setString(1, io.ulidmesh.common.ulid.Ulids.toUuid(io.ulidmesh.common.ulid.Ulids.parse("id", id)).toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
