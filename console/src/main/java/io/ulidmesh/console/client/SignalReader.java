package io.ulidmesh.console.client;

import io.ulidmesh.cli.SignalGauges;
import io.ulidmesh.console.domain.LiveRollout.Thresholds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signal values and their thresholds from the controller's gauges ({@code ulidmesh_rollout_signal},
 * {@code ulidmesh_rollout_signal_threshold}); the controller has no RPC for them. Values are parsed
 * by the CLI's {@link SignalGauges}. Best effort: an unreachable endpoint gives nothing.
 */
@ApplicationScoped
public class SignalReader {
    private static final Pattern THRESHOLD = Pattern.compile(
            "^ulidmesh_rollout_signal_threshold\\{(?=[^}]*signal=\"([^\"]*)\")(?=[^}]*bound=\"(above|below)\")[^}]*}\\s+(\\S+)", Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Optional<URI> metrics;

    @Inject
    public SignalReader(MeshClients clients) {
        this.metrics = clients.controllerMetricsUrl().map(URI::create);
    }

    /** The values and thresholds now; empty maps when the controller cannot be read (or not over plain HTTP). */
    public Reading read() {
        if (metrics.isEmpty()) {
            return new Reading(Map.of(), Map.of());
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics.get()).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? parse(r.body()) : new Reading(Map.of(), Map.of());
        } catch (IOException e) {
            return new Reading(Map.of(), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reading(Map.of(), Map.of());
        }
    }

    public record Reading(Map<String, Double> values, Map<String, Thresholds> thresholds) {
    }

    static Reading parse(String exposition) {
        Map<String, Double> above = new HashMap<>();
        Map<String, Double> below = new HashMap<>();
        Matcher m = THRESHOLD.matcher(exposition);
        while (m.find()) {
            try {
                double v = Double.parseDouble(m.group(3));
                if (!Double.isNaN(v)) {
                    (m.group(2).equals("above") ? above : below).put(m.group(1), v);
                }
            } catch (NumberFormatException ignored) {
                // not a sample
            }
        }
        Map<String, Thresholds> thresholds = new HashMap<>();
        for (String s : above.keySet()) {
            thresholds.put(s, new Thresholds(above.get(s), below.get(s)));
        }
        for (String s : below.keySet()) {
            thresholds.putIfAbsent(s, new Thresholds(null, below.get(s)));
        }
        return new Reading(SignalGauges.parse(exposition), thresholds);
    }
}
