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
import java.util.List;

/** The real {@code prometheus} binary (Debian's package), scraping given targets every second. */
final class PrometheusProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private PrometheusProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static PrometheusProcess scraping(String job, String target) throws Exception {
        Path dir = Files.createTempDirectory("ulidmesh-prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ["%s"]
                """.formatted(job, target));
        int port = ServiceProcess.freePort();
        Path log = Files.createDirectories(Path.of("target", "service-logs")).resolve("prometheus-" + port + ".log");
        Process p = new ProcessBuilder(List.of(binary(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(p, port);
        ToolProcesses.awaitReady(p, prometheus.url() + "/-/ready", "prometheus", log, prometheus);
        return prometheus;
    }

    private static String binary() {
        return ToolProcesses.binary(List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus"), "prometheus");
    }

    String url() {
        return "http://127.0.0.1:" + port;
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
