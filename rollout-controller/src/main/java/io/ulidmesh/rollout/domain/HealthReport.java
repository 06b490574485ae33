package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.port.AlertPort.Alert;
import java.time.Instant;
import java.util.List;

/** GetDeploymentHealth's answer: each active rollout's health, and the active alerts. */
public record HealthReport(List<RolloutHealth> rollouts, List<Alert> alerts, String alertsSource, String alertsError, Instant at) {

    /** One rollout: where it is, its flags planned against actual, its signals against their rules. */
    public record RolloutHealth(RolloutRecord rollout, List<FlagHealth> flags, List<SignalHealth> signals) {
    }

    /** {@code current} "absent" when flag-service has no such flag, "" with {@code error} when it could not be read. */
    public record FlagHealth(String name, String planned, String current, long version, String error) {
    }

    /** {@code value} null when there is none, {@code detail} says why (or where the value came from). */
    public record SignalHealth(String name, String source, Double value, String detail, List<ThresholdHealth> thresholds) {
    }

    /**
     * A rule on a signal now. A relative rule's {@code threshold} is its reference plus its margin,
     * null while it has no reference; {@code relativeTo} is "" (a fixed threshold), "baseline" or
     * the other signal's name, and {@code referenceDetail} how the reference was obtained or why
     * there is none.
     */
    public record ThresholdHealth(String rule, String bound, Double threshold, int forCount, int inARow, boolean breached,
                                  String relativeTo, Double reference, String referenceDetail) {
    }
}
