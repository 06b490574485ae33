package io.ulidmesh.rollout.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ulidmesh.rollout.domain.port.AlertPort;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Active alerts from Alertmanager's API v2 ({@code GET /api/v2/alerts}); no URL configured means no alerts. */
public class AlertmanagerClient implements AlertPort {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;

    /** {@code baseUrl} "" when no Alertmanager is configured. */
    public AlertmanagerClient(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String source() {
        return baseUrl;
    }

    @Override
    public List<Alert> active() {
        if (baseUrl.isEmpty()) {
            return List.of();
        }
        URI uri = URI.create(baseUrl + "/api/v2/alerts?active=true&silenced=false&inhibited=false");
        HttpResponse<String> response = HttpCalls.send(http, HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json").GET().build(), "Alertmanager at " + baseUrl, timeout);
        if (response.statusCode() != 200) {
            throw new PeerFailure("Alertmanager at " + baseUrl + " answered HTTP " + response.statusCode(), true, null);
        }
        try {
            return alerts(JSON.readTree(response.body()));
        } catch (IOException | RuntimeException e) {
            throw new PeerFailure("Alertmanager at " + baseUrl + " answered something other than a list of alerts", false, e);
        }
    }

    static List<Alert> alerts(JsonNode body) {
        if (!body.isArray()) {
            throw new IllegalArgumentException("not an array");
        }
        List<Alert> result = new ArrayList<>();
        for (JsonNode a : body) {
            Map<String, String> labels = new LinkedHashMap<>();
            a.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            JsonNode annotations = a.path("annotations");
            String summary = annotations.path("summary").asText(annotations.path("description").asText(""));
            Instant startsAt = null;
            try {
                startsAt = a.hasNonNull("startsAt") ? Instant.parse(a.get("startsAt").asText()) : null;
            } catch (DateTimeParseException e) {
                // an unreadable start time is left out, the alert is not
            }
            result.add(new Alert(labels.getOrDefault("alertname", ""), a.path("status").path("state").asText(""),
                    labels.getOrDefault("severity", ""), summary, labels, startsAt));
        }
        return result;
    }
}
