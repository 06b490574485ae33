package io.ulidmesh.rollout.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the real tools the ITs start (Prometheus, Alertmanager) share: finding the binary, waiting until ready. */
final class ToolProcesses {
    private ToolProcesses() {
    }

    /** The first executable of {@code candidates}, else {@code fallback} from the PATH. */
    static String binary(List<String> candidates, String fallback) {
        return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst().orElse(fallback);
    }

    /** Waits up to 30 s for {@code readyUrl} to answer 200; closes {@code tool} and fails otherwise. */
    static void awaitReady(Process p, String readyUrl, String name, Path log, AutoCloseable tool) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(readyUrl)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + log);
            }
            Thread.sleep(100);
        }
        tool.close();
        throw new IllegalStateException(name + " was not ready within 30s; see " + log);
    }
}
