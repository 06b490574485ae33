package io.ulidmesh.resolution.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        failsWith(Code.ALREADY_EXISTS, () -> register(ulid, system, "two"));
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

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the exposition line that starts with {@code series} (tags in Micrometer's order). */
    private static double value(String metrics, String series) {
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        String tags = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.Ee+-]+)$").matcher(metrics);
        while (m.find()) {
            if (m.group(1) == null ? tags.isEmpty() : m.group(1).contains(tags)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError(series + " not found in\n" + metrics.lines().filter(l -> l.contains("ulidmesh"))
                .reduce("", (a, b) -> a + b + "\n"));
    }
}
