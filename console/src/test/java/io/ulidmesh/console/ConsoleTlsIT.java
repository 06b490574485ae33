package io.ulidmesh.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestCertificates;
import io.ulidmesh.testsupport.TestPostgres;
import io.ulidmesh.testsupport.TestTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console configured with common's client TLS settings (CA, client certificate and key) reaches
 * a resolution-service that serves TLS only and requires client certificates (mTLS), as under
 * {@code ./mesh up --tls}: a sign-in and the registry page tracing a reference work.
 */
class ConsoleTlsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void theConsoleSignsInAndTracesAReferenceOnAnMtlsOnlyService() throws Exception {
        TestCertificates certs = TestCertificates.make();
        String database = TestPostgres.createDatabase("console_tls");
        try (ServiceProcess resolution = ServiceProcess.startTls("resolution-service", database, certs, true)) {
            String ulid = register(certs, resolution.port());
            try (ServiceProcess console = ServiceProcess.start("console", "", Map.of(
                    "ulidmesh.console.resolution-service", "localhost:" + resolution.port(),
                    "ulidmesh.console.flag-service", "127.0.0.1:9",
                    "ulidmesh.console.rollout-controller", "127.0.0.1:9",
                    "ulidmesh.console.migration-worker", "127.0.0.1:9",
                    "ulidmesh.client.tls-ca", certs.ca().toString(),
                    "ulidmesh.client.tls-cert", certs.clientCert().toString(),
                    "ulidmesh.client.tls-key", certs.clientKey().toString(),
                    "quarkus.datasource.username", "",
                    "quarkus.datasource.password", "",
                    "ulidmesh.client.token-file", ""))) {
                String base = "http://127.0.0.1:" + console.port();
                String session = signIn(base, TestTokens.token("tls-operator", "operator"));

                HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/registry?ulid=" + ulid))
                        .header("Cookie", "ulidmesh_console=" + session).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                assertThat(page.body()).contains(ulid).contains("tls-system, ticket, <code>T-1</code>").contains("Trace: 0 related");
            }
        } finally {
            TestPostgres.dropDatabase(database);
        }
    }

    /** A reference registered straight over mTLS, for the console to find. */
    private static String register(TestCertificates certs, int port) {
        ManagedChannel channel = certs.channel(port, true);
        try {
            return ResolutionServiceGrpc.newBlockingStub(channel).register(RegisterRequest.newBuilder()
                    .setSystem("tls-system").setReferenceType("ticket").setReference("T-1").build()).getUlid();
        } finally {
            channel.shutdownNow();
        }
    }

    /** The sign-in form as a browser posts it: its nonce cookie and field, then the session cookie. */
    private static String signIn(String base, String token) throws Exception {
        HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        String nonce = cookie(form, "ulidmesh_console_login");
        String body = "csrf=" + URLEncoder.encode(nonce, StandardCharsets.UTF_8) + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "ulidmesh_console_login=" + nonce)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        return cookie(r, "ulidmesh_console");
    }

    private static String cookie(HttpResponse<?> r, String name) {
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "=([^;]*)");
        for (String header : r.headers().allValues("Set-Cookie")) {
            Matcher m = p.matcher(header);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie"));
    }
}
