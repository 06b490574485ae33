package io.ulidmesh.resolution.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ulidmesh.resolution.domain.GenerationListener;
import io.ulidmesh.resolution.domain.RegistryListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The service's Micrometer meters (names from docs/architecture.md): registry size, collisions,
 * registration outcomes, resolve latency histogram, resolutions by outcome, the cache hit ratio,
 * Export's reads, and ULID generation (throughput, same-millisecond increments, clock steps back).
 * A singleton rather than application-scoped: Resolve records into it on the event loop, so no proxy.
 *
 * <p>Every label value comes from a fixed set: {@code outcome}, {@code cache}, {@code result}.
 */
@Singleton
public class ResolutionMetrics implements RegistryListener, GenerationListener {
    /**
     * Resolve latency buckets besides the percentile histogram's: round bounds around the 1 ms
     * objective, so that a p95 against 1 ms is read exactly (docs/architecture.md, "Conventions").
     */
    static final Duration[] RESOLVE_SLO = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100)};

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
    private final Counter found;
    private final Counter notFound;
    private final Counter invalid;
    private final Counter failed;
    private final Counter generated;
    private final Counter sameMillisecond;
    private final Counter clockStepsBack;
    private final Counter partitionsCreated;
    private final Counter partitionsSkipped;

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
        found = resolution(meters, "found");
        notFound = resolution(meters, "not_found");
        invalid = resolution(meters, "invalid");
        failed = resolution(meters, "failed");
        generated = Counter.builder("ulidmesh.ulid.generated")
                .description("ULIDs generated: Generate, and Register with an empty ulid").register(meters);
        sameMillisecond = Counter.builder("ulidmesh.ulid.same.millisecond.increments")
                .description("ULIDs issued as the previous ULID plus one: in its millisecond, or while the clock is behind it")
                .register(meters);
        clockStepsBack = Counter.builder("ulidmesh.ulid.clock.steps.back")
                .description("Times the wall clock read earlier than at the generation before").register(meters);
        partitionsCreated = partitionChanges(meters, "created");
        partitionsSkipped = partitionChanges(meters, "skipped");
    }

    private static Counter partitionChanges(MeterRegistry meters, String result) {
        return Counter.builder("ulidmesh.registry.partition.months").tag("result", result)
                .description("Monthly registry partitions created ahead of time, or skipped because the default"
                        + " partition already held ULIDs of that month").register(meters);
    }

    /** One maintenance pass over the registry's monthly partitions. */
    public void partitioned(int created, int skipped) {
        add(partitionsCreated, created);
        add(partitionsSkipped, skipped);
    }

    private static Counter resolution(MeterRegistry meters, String outcome) {
        return Counter.builder("ulidmesh.resolutions").tag("outcome", outcome)
                .description("ULIDs asked for through Resolve and BatchResolve: found, not_found, invalid (refused"
                        + " request), failed (the registry could not answer)").register(meters);
    }

    private static Counter outcome(MeterRegistry meters, String outcome) {
        return Counter.builder("ulidmesh.registry.registrations").tag("outcome", outcome)
                .description("Registration outcomes: registered, unchanged, collision, refused").register(meters);
    }

    private static Timer resolveTimer(MeterRegistry meters, String cache) {
        return Timer.builder("ulidmesh.resolve.duration").tag("cache", cache)
                .description("Resolve latency inside the service").publishPercentileHistogram()
                .serviceLevelObjectives(RESOLVE_SLO)
                .minimumExpectedValue(Duration.ofNanos(1000)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(meters);
    }

    /** ULIDs asked for by Resolve or BatchResolve that were {@code found} and not found. */
    public void resolutions(long found, long notFound) {
        add(this.found, found);
        add(this.notFound, notFound);
    }

    /** A Resolve or BatchResolve refused before any lookup (a malformed ULID, too many of them). */
    public void resolutionRefused() {
        invalid.increment();
    }

    /** A Resolve or BatchResolve of {@code ulids} that the registry could not answer (its database failed). */
    public void resolutionFailed(long ulids) {
        add(failed, ulids);
    }

    @Override
    public void generated(int count, int increments, boolean clockSteppedBack) {
        add(generated, count);
        add(sameMillisecond, increments);
        if (clockSteppedBack) {
            clockStepsBack.increment();
        }
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
