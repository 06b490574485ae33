package io.ulidmesh.resolution.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ulidmesh.resolution.domain.RegistryListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The service's Micrometer meters (names from docs/architecture.md): registry size, collisions,
 * registration outcomes, resolve latency histogram, the cache hit ratio and Export's reads. A
 * singleton rather than application-scoped: Resolve records into it on the event loop, so no proxy.
 */
@Singleton
public class ResolutionMetrics implements RegistryListener {
    private final AtomicLong references = new AtomicLong();
    private final Counter collisions;
    private final Counter registered;
    private final Counter unchanged;
    private final Counter collided;
    private final Counter refused;
    private final Counter hits;
    private final Counter misses;
    private final LongAdder hitCount = new LongAdder();
    private final LongAdder lookupCount = new LongAdder();
    private final Counter exported;
    private final Timer resolveHit;
    private final Timer resolveMiss;

    ResolutionMetrics(MeterRegistry meters) {
        Gauge.builder("ulidmesh.registry.references", references, AtomicLong::get)
                .description("References in the registry (exact at start and after GetStats, then counted locally)")
                .register(meters);
        collisions = Counter.builder("ulidmesh.registry.collisions")
                .description("Registrations refused because the ULID belongs to another system/type/reference")
                .register(meters);
        registered = outcome(meters, "registered");
        unchanged = outcome(meters, "unchanged");
        collided = outcome(meters, "collision");
        refused = outcome(meters, "refused");
        hits = Counter.builder("ulidmesh.resolve.cache").tag("result", "hit").register(meters);
        misses = Counter.builder("ulidmesh.resolve.cache").tag("result", "miss").register(meters);
        Gauge.builder("ulidmesh.resolve.cache.hit.ratio", this, ResolutionMetrics::hitRatio)
                .description("Share of ULID lookups answered from the cache since start").register(meters);
        exported = Counter.builder("ulidmesh.export.references")
                .description("References Export has read from the database for its callers").register(meters);
        resolveHit = resolveTimer(meters, "hit");
        resolveMiss = resolveTimer(meters, "miss");
    }

    private static Counter outcome(MeterRegistry meters, String outcome) {
        return Counter.builder("ulidmesh.registry.registrations").tag("outcome", outcome)
                .description("Registration outcomes: registered, unchanged, collision, refused").register(meters);
    }

    private static Timer resolveTimer(MeterRegistry meters, String cache) {
        return Timer.builder("ulidmesh.resolve.duration").tag("cache", cache)
                .description("Resolve latency inside the service").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1000)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(meters);
    }


    /** Records one Resolve's latency. */
    public void resolved(boolean fromCache, long nanos) {
        (fromCache ? resolveHit : resolveMiss).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void counted(long references) {
        this.references.set(references);
    }

    /** Counts references Export read for a caller (one page at a time, as the caller takes them). */
    @Override
    public void exported(int references) {
        add(exported, references);
    }

    @Override
    public void registrations(long registered, long unchanged, long collisions, long refused) {
        references.addAndGet(registered);
        add(this.registered, registered);
        add(this.unchanged, unchanged);
        add(this.collided, collisions);
        add(this.collisions, collisions);
        add(this.refused, refused);
    }

    @Override
    public void cacheLookups(long hits, long misses) {
        add(this.hits, hits);
        add(this.misses, misses);
        hitCount.add(hits);
        lookupCount.add(hits + misses);
    }

    private static void add(Counter counter, long n) {
        if (n > 0) {
            counter.increment(n);
        }
    }

    private double hitRatio() {
        long lookups = lookupCount.sum();
        return lookups == 0 ? 0 : (double) hitCount.sum() / lookups;
    }
}
