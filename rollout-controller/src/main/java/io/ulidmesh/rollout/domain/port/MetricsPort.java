package io.ulidmesh.rollout.domain.port;

import java.time.Duration;

/** The controller's meters, as the rollout logic feeds them. */
public interface MetricsPort {
    /** The index of the rollout's current phase, -1 before the first. */
    void phase(String rolloutId, String name, int currentPhase);

    /** The rollout ended (COMPLETED or ABORTED): its phase gauge goes, so the gauges follow the rollouts in progress. */
    void ended(String rolloutId);

    /** A rollback began; {@code reason} is signal, manual, abort or failure. */
    void rollback(String reason);

    /** From the breaching value to the phase's changes being undone. */
    void detection(Duration d);

    /** The last value seen of a signal. */
    void signal(String name, double value);

    /**
     * The threshold a running plan's rules hold {@code signal} to: {@code bound} is above or below,
     * the tightest of its rules with that bound.
     */
    default void threshold(String signal, String bound, double value) {
    }

    /** A notification delivery attempt: delivered, retried (failed, tried again later) or refused (webhook not allowed). */
    default void notification(String outcome) {
    }
}
