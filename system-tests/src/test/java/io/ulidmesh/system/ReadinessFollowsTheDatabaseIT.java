package io.ulidmesh.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/architecture.md: {@code /q/health/ready} is DOWN while the service's database is unreachable. */
class ReadinessFollowsTheDatabaseIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @ValueSource(strings = {"resolution-service", "flag-service", "migration-worker", "rollout-controller"})
    void readyGoesDownWithTheDatabaseAndBackUpWithIt(String module) throws Exception {
        String url = TestPostgres.createDatabase("readiness_" + module);
        String database = url.substring(url.lastIndexOf('/') + 1);
        try (ServiceProcess service = ServiceProcess.start(module, url, Map.of())) {
            assertThat(readyStatus(service)).isEqualTo(200);

            admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            assertThat(awaitReadyStatus(service, 503)).as(module + " readiness without its database").isEqualTo(503);

            admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            assertThat(awaitReadyStatus(service, 200)).as(module + " readiness with its database back").isEqualTo(200);
        } finally {
            admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            TestPostgres.dropDatabase(url);
        }
    }

    private int awaitReadyStatus(ServiceProcess service, int wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status = readyStatus(service);
        while (status != wanted && System.nanoTime() < deadline) {
            Thread.sleep(250);
            status = readyStatus(service);
        }
        return status;
    }

    private int readyStatus(ServiceProcess service) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + service.address() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.adminUrl(), TestPostgres.user(), TestPostgres.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
