package io.ulidmesh.rollout.api;

import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** One HTTP call to a peer (Prometheus, Alertmanager, a webhook), its failures as transient {@link PeerFailure}s. */
final class HttpCalls {
    private HttpCalls() {
    }

    /** {@code what} names the peer in the failure, e.g. "Prometheus at http://p:9090". */
    static HttpResponse<String> send(HttpClient http, HttpRequest request, String what, Duration timeout) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new PeerFailure(what + " did not answer within " + timeout.toMillis() + "ms", true, e);
        } catch (IOException e) {
            // The HTTP client's own text (addresses, resolver and TLS detail) stays in the cause, for the log only.
            throw new PeerFailure(what + " could not be reached", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerFailure("interrupted calling " + what, true, e);
        }
    }
}
