package io.ulidmesh.migration.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The worker's meters: {@code ulidmesh.backfill.rows} (rows given a ULID), {@code ulidmesh.backfill.batch.duration}
 * (histogram), {@code ulidmesh.backfill.rows.per.second} (per running migration),
 * {@code ulidmesh.migration.validations} (by result) and {@code ulidmesh.migration.steps} (by step and outcome).
 */
@ApplicationScoped
public class MigrationMetrics {
    private final MeterRegistry registry;
    private final Map<String, Supplier<Double>> rates = new ConcurrentHashMap<>();

    MigrationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void batch(String target, long rows, long nanos) {
        Counter.builder("ulidmesh.backfill.rows").description("Rows given a ULID by the backfill")
                .tag("target", target).register(registry).increment(rows);
        Timer.builder("ulidmesh.backfill.batch.duration").description("Time to write one backfill batch on the target")
                .tag("target", target).publishPercentileHistogram().register(registry).record(Duration.ofNanos(nanos));
    }

    /** Publishes a running backfill's rate; the gauge reads 0 once the backfill stops. */
    public void rate(String migrationId, Supplier<Double> rate) {
        rates.put(migrationId, rate);
        Gauge.builder("ulidmesh.backfill.rows.per.second", rates, r -> r.getOrDefault(migrationId, () -> 0.0).get())
                .description("Recent backfill rate").tag("migration", migrationId).register(registry);
    }

    public void stopped(String migrationId) {
        rates.remove(migrationId);
    }

    public void validation(String target, boolean passed) {
        Counter.builder("ulidmesh.migration.validations").description("Validations run, by result")
                .tag("target", target).tag("result", passed ? "passed" : "failed").register(registry).increment();
    }

    public void step(String step, String outcome) {
        Counter.builder("ulidmesh.migration.steps").description("Steps run, by step and outcome")
                .tag("step", step).tag("outcome", outcome).register(registry).increment();
    }
}
