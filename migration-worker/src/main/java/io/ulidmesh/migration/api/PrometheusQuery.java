package io.ulidmesh.migration.api;

import io.ulidmesh.migration.domain.AutoThrottle;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The auto-throttle's PromQL expression, asked of Prometheus's instant query API
 * ({@code GET /api/v1/query?query=...}): the largest sample value of the result (a vector's
 * samples or a scalar), empty when the result holds none.
 */
public final class PrometheusQuery implements AutoThrottle.Query {
    /** A sample's value: {@code "value":[<time>,"<number>"]}, in a vector or as a scalar. */
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\\[\\s*[-0-9.eE+]+\\s*,\\s*\"([^\"]*)\"\\s*]");
    private static final Pattern SCALAR = Pattern.compile("\"resultType\"\\s*:\\s*\"scalar\"\\s*,\\s*\"result\"\\s*:\\s*\\[\\s*[-0-9.eE+]+\\s*,\\s*\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI uri;

    public PrometheusQuery(URI baseUrl, String expression) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
    }

    @Override
    public OptionalDouble value() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        if (response.statusCode() != 200 || !body.contains("\"success\"")) {
            throw new IOException("Prometheus answered HTTP " + response.statusCode());
        }
        OptionalDouble max = OptionalDouble.empty();
        for (Pattern pattern : new Pattern[] {VALUE, SCALAR}) {
            Matcher m = pattern.matcher(body);
            while (m.find()) {
                double v = parse(m.group(1));
                if (!Double.isNaN(v) && (max.isEmpty() || v > max.getAsDouble())) {
                    max = OptionalDouble.of(v);
                }
            }
        }
        return max;
    }

    /** Prometheus writes +Inf, -Inf and NaN as such. */
    private static double parse(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
