package io.ulidmesh.resolution.api;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.resolution.v1.BatchResolveRequest;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MetricsTest extends ResolutionTestBase {

    @Test
    void registryAndResolveMetricsAreExported() {
        String system = uniqueSystem("metrics");
        String ulid = generate(1).get(0);
        double collisionsBefore = value(scrape(), "ulidmesh_registry_collisions_total");
        register(ulid, system, "one");
        register(ulid, system, "one");
        assertStatus(Code.ALREADY_EXISTS, () -> register(ulid, system, "two"));
        stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build());
        stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build());

        String metrics = scrape();
        assertThat(value(metrics, "ulidmesh_registry_collisions_total")).isEqualTo(collisionsBefore + 1);
        assertThat(value(metrics, "ulidmesh_registry_references")).isPositive();
        assertThat(value(metrics, "ulidmesh_registry_registrations_total{outcome=\"registered\"}")).isPositive();
        assertThat(value(metrics, "ulidmesh_registry_registrations_total{outcome=\"unchanged\"}")).isPositive();
        assertThat(value(metrics, "ulidmesh_registry_registrations_total{outcome=\"collision\"}")).isPositive();
        assertThat(value(metrics, "ulidmesh_resolve_cache_total{result=\"hit\"}")).isPositive();
        assertThat(value(metrics, "ulidmesh_resolve_cache_hit_ratio")).isBetween(0.0, 1.0);
        assertThat(metrics).contains("ulidmesh_resolve_duration_seconds_bucket{cache=\"hit\"");
        assertThat(value(metrics, "ulidmesh_resolve_duration_seconds_count{cache=\"miss\"}")).isPositive();
    }

    @Test
    void generationResolutionOutcomesAndTheOneMillisecondBucketAreExported() {
        String before = scrape();
        String system = uniqueSystem("outcomes");
        List<String> ulids = generate(5); // one reservation: the last four are increments of the first
        register(ulids.get(0), system, "one");
        stub.resolve(ResolveRequest.newBuilder().setUlid(ulids.get(0)).build());
        assertStatus(Code.NOT_FOUND, () -> stub.resolve(ResolveRequest.newBuilder().setUlid(ulids.get(1)).build()));
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.resolve(ResolveRequest.newBuilder().setUlid("not-a-ulid").build()));
        stub.batchResolve(BatchResolveRequest.newBuilder().addUlids(ulids.get(0)).addUlids(ulids.get(2)).build());

        String after = scrape();
        assertThat(value(after, "ulidmesh_ulid_generated_total") - value(before, "ulidmesh_ulid_generated_total"))
                .isGreaterThanOrEqualTo(5);
        assertThat(value(after, "ulidmesh_ulid_same_millisecond_increments_total")
                - value(before, "ulidmesh_ulid_same_millisecond_increments_total")).isGreaterThanOrEqualTo(4);
        assertThat(value(after, "ulidmesh_ulid_clock_steps_back_total")).isNotNegative();
        assertThat(delta(before, after, "ulidmesh_resolutions_total{outcome=\"found\"}")).isGreaterThanOrEqualTo(2);
        assertThat(delta(before, after, "ulidmesh_resolutions_total{outcome=\"not_found\"}")).isGreaterThanOrEqualTo(2);
        assertThat(delta(before, after, "ulidmesh_resolutions_total{outcome=\"invalid\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(after, "ulidmesh_resolutions_total{outcome=\"failed\"}")).isNotNegative();
        // a bucket bound at exactly 1 ms, so the p95 alert against 1 ms reads the histogram exactly
        assertThat(after).contains("ulidmesh_resolve_duration_seconds_bucket{cache=\"hit\",le=\"0.001\"}")
                .contains("ulidmesh_resolve_duration_seconds_bucket{cache=\"miss\",le=\"1.0E-4\"}");
    }

    private static double delta(String before, String after, String series) {
        return value(after, series) - value(before, series);
    }
}
