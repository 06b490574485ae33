package io.ulidmesh.migration.api;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny real HTTP server answering Prometheus's instant query API with one series whose value the
 * test sets ({@link #value}); the worker under test is pointed at it with an auto-throttle rule.
 */
public class FakePrometheus implements QuarkusTestResourceLifecycleManager {
    static final String EXPRESSION = "max(pg_replication_lag_seconds)";
    static volatile String value = "0";
    static final List<String> QUERIES = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/v1/query", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            QUERIES.add(URLDecoder.decode(query.substring(query.indexOf('=') + 1), StandardCharsets.UTF_8));
            byte[] body = ("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"instance\":\"replica-1\"},"
                    + "\"value\":[" + System.currentTimeMillis() / 1000.0 + ",\"" + value + "\"]}]}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return Map.of("ulidmesh.migration.auto-throttle.prometheus-url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "ulidmesh.migration.auto-throttle.promql", EXPRESSION,
                "ulidmesh.migration.auto-throttle.promql-limit", "1",
                "ulidmesh.migration.auto-throttle.check-interval", "PT0.2S");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
