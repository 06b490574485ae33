package io.ulidmesh.rollout.domain.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Alertmanager, where the deployment's active alerts come from. A call that fails is a {@link PeerFailure}. */
public interface AlertPort {
    /** The Alertmanager asked, as configured; "" when none is. */
    String source();

    /** The active alerts (not silenced, not inhibited); empty when no Alertmanager is configured. */
    List<Alert> active();

    /** One alert: its name, Alertmanager's state, severity and summary, every label, and when it started. */
    record Alert(String name, String state, String severity, String summary, Map<String, String> labels, Instant startsAt) {
    }
}
