package io.ulidmesh.resolution.api;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
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
}
