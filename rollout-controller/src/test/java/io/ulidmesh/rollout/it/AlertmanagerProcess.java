package io.ulidmesh.rollout.it;

import io.ulidmesh.testsupport.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The real Alertmanager (Debian's prometheus-alertmanager), one node, routing to a receiver that sends nothing. */
final class AlertmanagerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private AlertmanagerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static AlertmanagerProcess start() throws Exception {
        Path dir = Files.createTempDirectory("ulidmesh-alertmanager");
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: nobody
                receivers:
                  - name: nobody
                """);
        int port = ServiceProcess.freePort();
        Path log = Files.createDirectories(Path.of("target", "service-logs")).resolve("alertmanager-" + port + ".log");
        Process p = new ProcessBuilder(List.of(binary(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AlertmanagerProcess am = new AlertmanagerProcess(p, port);
        ToolProcesses.awaitReady(p, am.url() + "/-/ready", "alertmanager", log, am);
        return am;
    }

    private static String binary() {
        return ToolProcesses.binary(List.of("/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager", "/usr/local/bin/alertmanager"), "alertmanager");
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Posts one firing alert, as Prometheus would, through the API v2. */
    void fire(String name, String severity, String summary) throws IOException, InterruptedException {
        String body = """
                [{"labels":{"alertname":"%s","severity":"%s","job":"rollout-controller"},
                  "annotations":{"summary":"%s"},"startsAt":"%s"}]
                """.formatted(name, severity, summary, Instant.now().minusSeconds(5));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("alertmanager refused the alert: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
