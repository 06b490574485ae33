package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import java.util.List;

/**
 * What a notification reports: one event and the rollout as of it (taken in the event's own
 * transaction, never at send time). {@code eventId} ({@code ROLLOUT-SEQUENCE}) is the idempotency key.
 */
public record NotificationEvent(String eventId, String event, String type, String rolloutId, String rollout, long sequence,
                                String at, String phase, String message, String actor, String state, int currentPhase,
                                String currentPhaseName, String lastReason, List<Restored> restored) {

    /** A change a rollback undid: {@code kind} flag or migration, its subject, and the value put back (flags). */
    public record Restored(String kind, String subject, String value) {
    }

    /** The notification event an event log entry is, or null when it is none. */
    public static String eventName(EventType type) {
        return switch (type) {
            case STARTED -> "started";
            case PHASE_COMPLETED -> "phase-completed";
            case SIGNAL_BREACHED -> "breach";
            case PHASE_ROLLED_BACK -> "rolled-back";
            case PAUSED -> "paused";
            case RESUMED -> "resumed";
            case COMPLETED -> "completed";
            case ABORTED -> "aborted";
            case FAILED -> "failed";
            default -> null;
        };
    }

    public static String id(String rolloutId, long sequence) {
        return rolloutId + "-" + sequence;
    }
}
