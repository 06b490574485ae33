package io.ulidmesh.rollout.domain.plan;

import java.util.List;
import java.util.Set;

/**
 * Where a rollout's events are sent: a webhook, the events it wants, the body's format, and the
 * environment variable holding the HMAC secret that signs it ("" for none).
 */
public record NotificationSpec(String webhook, Set<String> events, Format format, String secretEnv) {

    /** The body: the event as JSON, or a Slack message. */
    public enum Format { JSON, SLACK }

    /** Every event a notification may ask for, in the order a rollout meets them. */
    public static final List<String> EVENTS = List.of("started", "phase-completed", "breach", "rolled-back", "paused", "resumed",
            "completed", "aborted", "failed");

    public boolean wants(String event) {
        return events.contains(event);
    }
}
