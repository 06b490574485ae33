package io.ulidmesh.rollout.api;

import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.SignalSourcePort;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Instant PromQL queries over Prometheus' HTTP API ({@code /api/v1/query}), now or at a given time. */
public class PrometheusClient implements SignalSourcePort {
    // The first sample of a vector result or a scalar: "value":[<time>,"<number>"]
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\\[\\s*[0-9.eE+-]+\\s*,\\s*\"([^\"]*)\"\\s*]");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");
    // Prometheus' own explanation of a refused query: "error":"<text>"
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){0,300})");
    private final String defaultUrl;
    private final Duration timeout;
    private final HttpClient http;

    public PrometheusClient(String defaultUrl, Duration timeout) {
        this.defaultUrl = defaultUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public OptionalDouble query(String url, String promql) {
        return query(url, promql, "");
    }

    @Override
    public OptionalDouble query(String url, String promql, Instant at) {
        // seconds with milliseconds, as the API's time parameter takes them
        return query(url, promql, "&time=" + BigDecimal.valueOf(at.toEpochMilli(), 3).toPlainString());
    }

    private OptionalDouble query(String url, String promql, String time) {
        String base = url == null || url.isBlank() ? defaultUrl : url;
        URI uri = URI.create(base.replaceAll("/+$", "") + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + time);
        HttpResponse<String> response = HttpCalls.send(http, HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                "Prometheus at " + base, timeout);
        String body = response.body();
        Matcher status = STATUS.matcher(body);
        if (response.statusCode() != 200 || !status.find() || !status.group(1).equals("success")) {
            Matcher error = ERROR.matcher(body);
            throw new PeerFailure("Prometheus at " + base + " refused the query (HTTP " + response.statusCode() + ")"
                    + (error.find() ? ": " + AuditText.escape(error.group(1)) : ""), response.statusCode() >= 500, null);
        }
        Matcher value = VALUE.matcher(body);
        if (!value.find()) {
            return OptionalDouble.empty();
        }
        try {
            double v = Double.parseDouble(value.group(1));
            return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
