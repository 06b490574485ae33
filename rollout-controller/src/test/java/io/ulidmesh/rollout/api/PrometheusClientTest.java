package io.ulidmesh.rollout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a failed Prometheus query says, against a real HTTP server: Prometheus' own explanation of
 * a refused query (a peer's answer) but never the HTTP client's exception text or a raw error page.
 */
class PrometheusClientTest {
    HttpServer server;
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicReference<String> body = new AtomicReference<>("");
    final AtomicInteger delayMs = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try {
                Thread.sleep(delayMs.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    PrometheusClient client(Duration timeout) {
        return new PrometheusClient("http://127.0.0.1:" + server.getAddress().getPort(), timeout);
    }

    @Test
    void readsTheFirstSample() {
        body.set("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1.5,\"0.25\"]}]}}");
        assertThat(client(Duration.ofSeconds(2)).query("", "up")).hasValue(0.25);
    }

    @Test
    void aRefusedQuerySaysWhatPrometheusSaidAndNothingElse() {
        status.set(400);
        body.set("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:4: parse error: unexpected \\\"}\\\"\\u001b[31m\"}");
        assertThatThrownBy(() -> client(Duration.ofSeconds(2)).query("", "up}")).isInstanceOf(PeerFailure.class)
                .hasMessage("Prometheus at http://127.0.0.1:" + server.getAddress().getPort() + " refused the query (HTTP 400):"
                        + " 1:4: parse error: unexpected \\\"}\\\"\\u001b[31m");
        status.set(500);
        body.set("<html>java.lang.IllegalStateException: at org.example.Proxy.handle(Proxy.java:42)</html>");
        assertThatThrownBy(() -> client(Duration.ofSeconds(2)).query("", "up")).isInstanceOf(PeerFailure.class)
                .hasMessage("Prometheus at http://127.0.0.1:" + server.getAddress().getPort() + " refused the query (HTTP 500)");
    }

    @Test
    void aServerThatDoesNotAnswerIsNamedWithoutTheClientsExceptionText() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        PrometheusClient unreachable = new PrometheusClient("http://127.0.0.1:" + closed, Duration.ofSeconds(2));
        assertThatThrownBy(() -> unreachable.query("", "up")).isInstanceOfSatisfying(PeerFailure.class, e -> {
            assertThat(e.getMessage()).isEqualTo("Prometheus at http://127.0.0.1:" + closed + " could not be reached");
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getCause()).isInstanceOf(IOException.class); // kept for the server's log
        });
        delayMs.set(1_000);
        assertThatThrownBy(() -> client(Duration.ofMillis(200)).query("", "up")).isInstanceOf(PeerFailure.class)
                .hasMessage("Prometheus at http://127.0.0.1:" + server.getAddress().getPort() + " did not answer within 200ms");
    }
}
