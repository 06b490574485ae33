package io.ulidmesh.testsupport;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What docs/architecture.md asks of every service besides its own RPCs. Each service's
 * {@code @QuarkusTest} subclass names its gRPC service.
 */
public abstract class ServiceBasicsContract {
    private ManagedChannel channel;

    /** The fully qualified gRPC service the app must list through reflection. */
    protected abstract String grpcServiceName();

    @BeforeEach
    void connect() {
        channel = TestChannels.toQuarkusTestApp();
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void liveAndReadyWithTheDatabaseChecked() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body(containsString("Database connections health check"));
    }

    @Test
    void grpcHealthIsServing() {
        assertThat(ServiceBasics.health(channel)).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void reflectionListsTheService() throws Exception {
        assertThat(ServiceBasics.reflectedServices(channel)).contains(grpcServiceName(), "grpc.health.v1.Health");
    }

    @Test
    void servesPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }
}
