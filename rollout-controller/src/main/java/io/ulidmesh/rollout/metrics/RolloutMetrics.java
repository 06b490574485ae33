package io.ulidmesh.rollout.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.ulidmesh.rollout.domain.RolloutStatus;
import io.ulidmesh.rollout.domain.port.Leadership;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The controller's meters: current phase per rollout, rollouts by state, rollbacks by reason,
 * detection to rollback, signal values and their thresholds, and whether this replica leads.
 * Label values are bounded (docs/rollout-controller.md, "Metrics"): {@code rollout} and {@code
 * signal} are names from plans (operators', matching PlanParser.NAME), {@code id} is a ULID the
 * controller minted, {@code reason}, {@code state} and {@code bound} come from fixed sets; phase
 * gauges exist for rollouts in progress only, at most {@link #MAX_PHASE_GAUGES} at a time.
 */
@ApplicationScoped
@Startup // the leader and state gauges exist from the start, not from the first rollout
public class RolloutMetrics implements MetricsPort {
    static final int MAX_PHASE_GAUGES = 1000;
    /** The reasons a rollback has (MetricsPort#rollback); their counters exist from the start, so increase() sees the first. */
    static final List<String> ROLLBACK_REASONS = List.of("signal", "manual", "abort", "failure");
    /** How long the rollouts' counts by state are reused, so that close scrapes read the database once. */
    private static final long STATE_COUNT_TTL_NANOS = 2_000_000_000L;
    private static final Logger LOG = Logger.getLogger(RolloutMetrics.class);

    private final MeterRegistry registry;
    private final Map<String, PhaseGauge> phases = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> signals = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> thresholds = new ConcurrentHashMap<>();
    private final Timer detection;
    private final RolloutStore store;
    /** The last counts by state (null: the database did not answer) and when they were read; guarded by {@code this}. */
    private Map<RolloutStatus, Long> stateCounts;
    private long stateCountsAt;
    private boolean stateCountsRead;
    /** Whether the cap was met and said so in the log, so that it is said once each time it fills. */
    private boolean full;

    private record PhaseGauge(AtomicInteger value, Gauge gauge) {
    }

    public RolloutMetrics(MeterRegistry registry, RolloutStore store, Leadership leadership) {
        this.registry = registry;
        this.store = store;
        this.detection = Timer.builder("ulidmesh.rollout.detection.duration")
                .description("From the breaching signal value to the phase's changes being undone")
                .publishPercentileHistogram()
                .register(registry);
        ROLLBACK_REASONS.forEach(this::rollbacks);
        Gauge.builder("ulidmesh.rollout.leader", leadership, l -> l.isLeader() ? 1 : 0)
                .description("1 while this replica holds the leadership lock and drives rollouts, else 0").register(registry);
        for (RolloutStatus state : RolloutStatus.values()) {
            Gauge.builder("ulidmesh.rollouts", this, m -> m.rolloutsIn(state))
                    .description("Rollouts in each state, counted in the controller's database")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    private Counter rollbacks(String reason) {
        return Counter.builder("ulidmesh.rollout.rollbacks").description("Rollbacks started, by reason")
                .tag("reason", reason).register(registry);
    }

    /** The rollouts in {@code state}, from counts at most two seconds old; NaN while the database does not answer. */
    private synchronized double rolloutsIn(RolloutStatus state) {
        long now = System.nanoTime();
        if (!stateCountsRead || now - stateCountsAt > STATE_COUNT_TTL_NANOS) {
            try {
                stateCounts = store.countByState();
            } catch (RuntimeException e) {
                LOG.debugf("rollouts by state not counted: %s", e.getMessage());
                stateCounts = null;
            }
            stateCountsAt = now;
            stateCountsRead = true;
        }
        return stateCounts == null ? Double.NaN : stateCounts.getOrDefault(state, 0L);
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
    public void notification(String outcome) {
        Counter.builder("ulidmesh.rollout.notifications").description("Notification delivery attempts, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void rollback(String reason) {
        rollbacks(reason).increment();
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

    @Override
    public void threshold(String signal, String bound, double value) {
        thresholds.computeIfAbsent(signal + "\n" + bound, k -> {
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            Gauge.builder("ulidmesh.rollout.signal.threshold", ref, AtomicReference::get)
                    .description("Threshold of a health signal in a running plan's rollback rules (the tightest per bound)")
                    .tag("signal", signal).tag("bound", bound).register(registry);
            return ref;
        }).set(value);
    }
}
