package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.MigrationState;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The auto-throttle against a Prometheus series (a real HTTP server speaking the query API): while
 * the series is over its limit a backfill writes nothing and each throttled second is counted;
 * once it drops, the backfill goes on and finishes.
 */
@QuarkusTest
@QuarkusTestResource(value = FakePrometheus.class, restrictToAnnotatedClass = true)
class AutoThrottleTest extends GrpcTestBase {
    @Inject
    MeterRegistry registry;

    @Test
    void aBackfillWaitsWhileTheSeriesIsOverItsLimit() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.POSTGRESQL).seed(20_000)) {
            Grpc.register(stub, "throttled", db);
            String id = Grpc.create(stub, Grpc.jobsSpec("throttled").setBatchSize(1000)).getId();
            stub.expand(step(id));
            FakePrometheus.value = "7.5";
            FakePrometheus.QUERIES.clear();
            stub.backfill(step(id));
            Thread.sleep(3000);
            assertThat(db.queryLong("SELECT count(job_ulid) FROM jobs")).as("held back before its first batch").isZero();
            assertThat(stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build()).getState()).isEqualTo(MigrationState.BACKFILLING);
            assertThat(throttledSeconds()).as("throttled seconds counted").isGreaterThan(1.5);
            assertThat(FakePrometheus.QUERIES).contains(FakePrometheus.EXPRESSION);

            FakePrometheus.value = "0.2";
            Grpc.awaitState(stub, id, MigrationState.BACKFILLED);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE job_ulid IS NULL")).isZero();
            double after = throttledSeconds();
            Thread.sleep(500);
            assertThat(throttledSeconds()).as("no longer counting").isEqualTo(after);
        }
    }

    private double throttledSeconds() {
        Counter counter = registry.find("ulidmesh.migration.throttled.seconds").tag("target", "throttled").counter();
        return counter == null ? 0 : counter.count();
    }
}
