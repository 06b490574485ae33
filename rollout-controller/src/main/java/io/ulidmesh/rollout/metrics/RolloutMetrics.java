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
import org.jboss.logging.Logger;

/**
 * The controller's meters: current phase per rollout, rollbacks by reason, detection to rollback,
 * signal values. Label values are bounded (docs/rollout-controller.md, "Metrics"): {@code rollout}
 * and {@code signal} are names from plans (operators', matching PlanParser.NAME), {@code id} is a
 * ULID the controller minted, {@code reason} one of four words; phase gauges exist for rollouts in
 * progress only, at most {@link #MAX_PHASE_GAUGES} at a time.
 */
@ApplicationScoped
public class RolloutMetrics implements MetricsPort {
    static final int MAX_PHASE_GAUGES = 1000;
    private static final Logger LOG = Logger.getLogger(RolloutMetrics.class);

    private final MeterRegistry registry;
    private final Map<String, PhaseGauge> phases = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> signals = new ConcurrentHashMap<>();
    private final Timer detection;
    /** Whether the cap was met and said so in the log, so that it is said once each time it fills. */
    private boolean full;

    private record PhaseGauge(AtomicInteger value, Gauge gauge) {
    }

    public RolloutMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.detection = Timer.builder("ulidmesh.rollout.detection.duration")
                .description("From the breaching signal value to the phase's changes being undone")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Sets the {@code ulidmesh.rollout.phase} gauge of a rollout: the index of its current phase, -1 before the first. */
    @Override
    public synchronized void phase(String rolloutId, String name, int currentPhase) {
        PhaseGauge g = phases.get(rolloutId);
        if (g == null) {
            if (phases.size() >= MAX_PHASE_GAUGES) {
                if (!full) {
                    LOG.warnf("rollout %s and those after it get no phase gauge while %d rollouts in progress have one",
                            rolloutId, phases.size());
                    full = true;
                }
                return;
            }
            AtomicInteger value = new AtomicInteger(currentPhase);
            g = new PhaseGauge(value, Gauge.builder("ulidmesh.rollout.phase", value, AtomicInteger::get)
                    .description("Index of the rollout's current phase")
                    .tag("rollout", name).tag("id", rolloutId).register(registry));
            phases.put(rolloutId, g);
        }
        g.value().set(currentPhase);
    }

    @Override
    public synchronized void ended(String rolloutId) {
        PhaseGauge g = phases.remove(rolloutId);
        if (g != null) {
            registry.remove(g.gauge());
            full = false;
        }
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
