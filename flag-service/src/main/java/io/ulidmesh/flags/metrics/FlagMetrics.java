package io.ulidmesh.flags.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.flags.domain.ChangeType;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.Reason;
import io.ulidmesh.flags.domain.RecordedChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The flag-service's meters: {@code ulidmesh.flag.changes} (by type, counted where the change was
 * made), {@code ulidmesh.flag.evaluations} (by reason), {@code ulidmesh.flag.watchers} (live Watch
 * and flagd EventStream streams) and {@code ulidmesh.flag.basis_points} per flag, kept current on
 * every replica from the change feed.
 */
@ApplicationScoped
public class FlagMetrics {
    private final MeterRegistry registry;
    private final Flags flags;
    private final Counter[] evaluations = new Counter[Reason.values().length];
    private final Counter upserts;
    private final Counter deletes;
    private final AtomicInteger watchers = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> basisPoints = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Gauge> gauges = new ConcurrentHashMap<>();

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
    }

    void start(@Observes StartupEvent startup) {
        flags.all().forEach(this::track);
        flags.follow(this::track);
    }

    public void evaluated(Reason reason) {
        evaluations[reason.ordinal()].increment();
    }

    /** A flag created or changed through this replica. */
    public void changed() {
        upserts.increment();
    }

    /** A flag deleted through this replica. */
    public void deleted() {
        deletes.increment();
    }

    public void watcherStarted() {
        watchers.incrementAndGet();
    }

    public void watcherEnded() {
        watchers.decrementAndGet();
    }

    private void track(RecordedChange change) {
        if (change.type() == ChangeType.DELETED) {
            basisPoints.remove(change.flag().name());
            Gauge gauge = gauges.remove(change.flag().name());
            if (gauge != null) {
                registry.remove(gauge);
            }
        } else {
            track(change.flag());
        }
    }

    private void track(FlagState flag) {
        AtomicInteger value = basisPoints.computeIfAbsent(flag.name(), name -> {
            AtomicInteger holder = new AtomicInteger();
            gauges.put(name, Gauge.builder("ulidmesh.flag.basis_points", holder, AtomicInteger::get)
                    .description("Each flag's share of entities enabled, in basis points")
                    .tag("flag", name).register(registry));
            return holder;
        });
        value.set(flag.basisPoints());
    }

    private static Counter changes(MeterRegistry registry, ChangeType type) {
        return Counter.builder("ulidmesh.flag.changes").description("Flag changes made through this replica")
                .tag("type", type.name().toLowerCase(Locale.ROOT)).register(registry);
    }
}
