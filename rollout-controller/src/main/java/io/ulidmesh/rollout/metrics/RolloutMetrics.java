package io.ulidmesh.rollout.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The controller's meters: current phase per rollout, rollbacks by reason, detection to rollback, signal values. */
@ApplicationScoped
public class RolloutMetrics implements MetricsPort {
    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> phases = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> signals = new ConcurrentHashMap<>();
    private final Timer detection;

    public RolloutMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.detection = Timer.builder("ulidmesh.rollout.detection.duration")
                .description("From the breaching signal value to the phase's changes being undone")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Sets the {@code ulidmesh.rollout.phase} gauge of a rollout: the index of its current phase, -1 before the first. */
    @Override
    public void phase(String rolloutId, String name, int currentPhase) {
        phases.computeIfAbsent(rolloutId, id -> {
            AtomicInteger value = new AtomicInteger(currentPhase);
            Gauge.builder("ulidmesh.rollout.phase", value, AtomicInteger::get)
                    .description("Index of the rollout's current phase")
                    .tag("rollout", name).tag("id", id).register(registry);
            return value;
        }).set(currentPhase);
    }

    @Override
    public void rollback(String reason) {
        Counter.builder("ulidmesh.rollout.rollbacks").description("Rollbacks started, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    @Override
    public void detection(Duration d) {
        detection.record(d);
    }

    @Override
    public void signal(String name, double value) {
        signals.computeIfAbsent(name, n -> {
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            Gauge.builder("ulidmesh.rollout.signal", ref, AtomicReference::get)
                    .description("Last value of a health signal").tag("signal", n).register(registry);
            return ref;
        }).set(value);
    }
}
