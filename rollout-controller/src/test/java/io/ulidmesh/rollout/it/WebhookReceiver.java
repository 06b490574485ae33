package io.ulidmesh.rollout.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real local HTTP receiver of notifications (the JDK's HttpServer) that records every request it answers 200. */
final class WebhookReceiver implements AutoCloseable {
    /** One request as received: path, headers that matter, body, and when it arrived (epoch ms). */
    record Received(String path, String eventId, String idempotencyKey, String signature, String body, long atMillis) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            received.add(new Received(exchange.getRequestURI().getPath(), h.getFirst("X-Ulidmesh-Event-Id"),
                    h.getFirst("Idempotency-Key"), h.getFirst("X-Ulidmesh-Signature"), new String(body, StandardCharsets.UTF_8),
                    System.currentTimeMillis()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
