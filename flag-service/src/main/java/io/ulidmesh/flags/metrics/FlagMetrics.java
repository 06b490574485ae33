package io.ulidmesh.flags.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.flags.domain.ChangeType;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.Reason;
import io.ulidmesh.flags.domain.RecordedChange;
import io.ulidmesh.flags.domain.Written;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The flag-service's meters: {@code ulidmesh.flag.changes} (by type, counted where the change was
 * made), {@code ulidmesh.flag.evaluations} (by reason), {@code ulidmesh.flag.watchers} (live Watch
 * and flagd EventStream streams), {@code ulidmesh.flag.basis_points} per live flag, read from
 * every replica's table and removed when the flag is deleted, and {@code ulidmesh.flag.propagation}
 * (histogram): from a change's commit time, as the writing replica recorded it, to this replica
 * handing it to its watchers (the LISTEN/NOTIFY path, so it includes the clocks' skew between replicas),
 * and {@code ulidmesh.flag.ofrep.responses} by HTTP status.
 */
@ApplicationScoped
public class FlagMetrics {
    private final MeterRegistry registry;
    private final Flags flags;
    private final Counter[] evaluations = new Counter[Reason.values().length];
    private final Counter upserts;
    private final Counter deletes;
    private final AtomicInteger watchers = new AtomicInteger();
    private final Timer propagation;
    /** Guarded by {@code this}. */
    private final Map<String, Gauge> gauges = new HashMap<>();
    private final Map<Integer, Counter> ofrepAnswers = new ConcurrentHashMap<>();

    FlagMetrics(MeterRegistry registry, Flags flags) {
        this.registry = registry;
        this.flags = flags;
        for (Reason reason : Reason.values()) {
            evaluations[reason.ordinal()] = Counter.builder("ulidmesh.flag.evaluations")
                    .description("Flag evaluations served, by reason")
                    .tag("reason", reason.name()).register(registry);
        }
        upserts = changes(registry, ChangeType.UPSERTED);
        deletes = changes(registry, ChangeType.DELETED);
        Gauge.builder("ulidmesh.flag.watchers", watchers, AtomicInteger::get)
                .description("Live Watch and flagd EventStream streams on this replica").register(registry);
        propagation = Timer.builder("ulidmesh.flag.propagation")
                .description("From a flag change's commit to this replica handing it to its watchers")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30))
                .register(registry);
    }

    /** Follows first, then goes over the table: a change made meanwhile is reconciled again, so none is missed. */
    void start(@Observes StartupEvent startup) {
        flags.follow(commit -> commit.changes().forEach(change -> {
            propagated(change);
            reconcile(change.flag().name());
        }));
        flags.all().forEach(flag -> reconcile(flag.name()));
    }

    public void evaluated(Reason reason) {
        evaluations[reason.ordinal()].increment();
    }

    /** Flags created, changed or deleted through this replica by one write. */
    public void changed(Written written) {
        if (written.changed()) {
            for (RecordedChange change : written.commit().changes()) {
                (change.type() == ChangeType.DELETED ? deletes : upserts).increment();
            }
        }
    }

    /** A flag deleted through this replica. */
    public void deleted() {
        deletes.increment();
    }

    private void propagated(RecordedChange change) {
        Duration lag = Duration.between(change.at(), Instant.now());
        propagation.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    /**
     * An OFREP response, by HTTP status ({@code ulidmesh.flag.ofrep.responses}); statuses are
     * the few the endpoints answer, never a caller's value.
     */
    public void ofrepAnswered(int status) {
        ofrepAnswers.computeIfAbsent(status, s -> Counter.builder("ulidmesh.flag.ofrep.responses")
                .description("OFREP responses by HTTP status").tag("status", Integer.toString(s))
                .register(registry)).increment();
    }

    public void watcherStarted() {
        watchers.incrementAndGet();
    }

    public void watcherEnded() {
        watchers.decrementAndGet();
    }

    /**
     * One basis-points gauge per live flag, read from the replica's table, and none for a deleted
     * one. Flag names are chosen by operators and bounded by the flags that exist; evaluations of
     * unknown names never get here.
     */
    private synchronized void reconcile(String name) {
        boolean live = flags.current(name) != null;
        Gauge gauge = gauges.get(name);
        if (live && gauge == null) {
            gauges.put(name, Gauge.builder("ulidmesh.flag.basis_points", flags, f -> basisPoints(f, name))
                    .description("Each flag's share of entities enabled, in basis points")
                    .tag("flag", name).register(registry));
        } else if (!live && gauge != null) {
            registry.remove(gauges.remove(name));
        }
    }

    private static double basisPoints(Flags flags, String name) {
        FlagState flag = flags.current(name);
        return flag == null ? Double.NaN : flag.basisPoints();
    }

    private static Counter changes(MeterRegistry registry, ChangeType type) {
        return Counter.builder("ulidmesh.flag.changes").description("Flag changes made through this replica")
                .tag("type", type.name().toLowerCase(Locale.ROOT)).register(registry);
    }
}
