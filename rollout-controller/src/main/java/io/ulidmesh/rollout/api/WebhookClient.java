package io.ulidmesh.rollout.api;

import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.WebhookPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/** POSTs notifications; redirects are not followed (a webhook allowed by the allowlist cannot send the body elsewhere). */
public class WebhookClient implements WebhookPort {
    private final Duration timeout;
    private final HttpClient http;

    public WebhookClient(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void post(String url, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        int status = HttpCalls.send(http, request.build(), "webhook " + url, timeout).statusCode();
        if (status < 200 || status > 299) {
            throw new PeerFailure("webhook " + url + " answered HTTP " + status, true, null);
        }
    }
}
