package io.ulidmesh.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * One of the mesh's services running as a real process from its built {@code quarkus-app}, for
 * integration tests across services and for kill -9 tests. Its log goes to
 * {@code target/service-logs/NAME-PORT.log} of the calling module.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String module;
    private final int port;
    private final Process process;
    private final Path log;
    private final HttpClient http;
    private final String scheme;

    private ServiceProcess(String module, int port, Process process, Path log, SSLContext tls) {
        this.module = module;
        this.port = port;
        this.process = process;
        this.log = log;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
        this.http = tls == null ? http.build() : http.sslContext(tls).build();
        this.scheme = tls == null ? "http" : "https";
    }

    /**
     * Starts {@code module} (e.g. {@code flag-service}) against {@code jdbcUrl} on a free port and
     * waits until {@code /q/health/ready} is UP. {@code extraConfig} are Quarkus properties; an empty
     * value removes a default one (e.g. the JWT key).
     */
    public static ServiceProcess start(String module, String jdbcUrl, Map<String, String> extraConfig) {
        return start(module, jdbcUrl, freePort(), extraConfig);
    }

    public static ServiceProcess start(String module, String jdbcUrl, int port, Map<String, String> extraConfig) {
        return start(module, jdbcUrl, port, extraConfig, null);
    }

    /**
     * Starts {@code module} serving TLS only (profile {@code tls}) with {@code certs} (see
     * {@link TestCertificates}); {@code clientAuthRequired} turns on mTLS.
     */
    public static ServiceProcess startTls(String module, String jdbcUrl, TestCertificates certs, boolean clientAuthRequired) {
        Map<String, String> tls = new LinkedHashMap<>();
        tls.put("quarkus.profile", "prod,tls");
        tls.put("ulidmesh.tls.cert", certs.serverCert().toString());
        tls.put("ulidmesh.tls.key", certs.serverKey().toString());
        tls.put("ulidmesh.tls.ca", certs.ca().toString());
        tls.put("ulidmesh.tls.client-auth", clientAuthRequired ? "required" : "none");
        return start(module, jdbcUrl, freePort(), tls, certs.sslContext());
    }

    private static ServiceProcess start(String module, String jdbcUrl, int port, Map<String, String> extraConfig,
                                        SSLContext tls) {
        Path jar = Path.of("..", module, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build " + module + " first (./mvnw package)");
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.port", Integer.toString(port));
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.username", TestPostgres.user());
        config.put("quarkus.datasource.password", TestPostgres.password());
        // Auth is on, as in production: the test key verifies tokens, and calls to peers carry a
        // token of the service's own name.
        config.put("mp.jwt.verify.publickey.location", TestTokens.publicKeyFile().toUri().toString());
        config.put("ulidmesh.client.token-file", TestTokens.file(TestTokens.token(module, "admin")).toString());
        config.putAll(extraConfig);
        // An empty value leaves the setting out altogether, as if it were never configured.
        config.values().removeIf(String::isEmpty);
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Path logDir = Files.createDirectories(Path.of("target", "service-logs"));
            Path log = logDir.resolve(module + "-" + port + ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            ServiceProcess service = new ServiceProcess(module, port, process, log, tls);
            service.awaitReady(Duration.ofSeconds(60));
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + module + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public Process process() {
        return process;
    }

    /** kill -9: the process gets no chance to clean up. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public void awaitReady(Duration timeout) {
        HttpRequest ready = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + module, e);
            }
            sleep(100);
        }
        throw new IllegalStateException(module + " was not ready within " + timeout + "; see " + log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
