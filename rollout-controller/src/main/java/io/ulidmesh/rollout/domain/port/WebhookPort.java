package io.ulidmesh.rollout.domain.port;

import java.util.Map;

/** HTTP POST to a notification webhook; anything but a 2xx answer is a {@link PeerFailure}. */
public interface WebhookPort {
    void post(String url, Map<String, String> headers, String body);
}
