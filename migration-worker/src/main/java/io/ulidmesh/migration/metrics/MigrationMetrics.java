package io.ulidmesh.migration.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ulidmesh.migration.domain.MigrationListener;
import io.ulidmesh.migration.domain.Step;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The worker's meters: {@code ulidmesh.backfill.rows} (rows given a ULID), {@code ulidmesh.backfill.batch.duration}
 * (histogram), {@code ulidmesh.backfill.rows.per.second} (per running migration),
 * {@code ulidmesh.migration.validations} (by result) and {@code ulidmesh.migration.steps} (by step and outcome).
 *
 * <p>No label carries a value a caller picks freely: {@code target} is a registered target's name
 * (chosen by an admin, one series per target that ran a backfill or validation), {@code migration}
 * an id the worker minted, present only while its backfill runs, and {@code step}, {@code outcome}
 * and {@code result} come from fixed sets.
 */
@ApplicationScoped
public class MigrationMetrics implements MigrationListener {
    private final MeterRegistry registry;
    private final Map<String, Gauge> rates = new ConcurrentHashMap<>();

    MigrationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void batchWritten(String target, long rows, long nanos) {
        Counter.builder("ulidmesh.backfill.rows").description("Rows given a ULID by the backfill")
                .tag("target", target).register(registry).increment(rows);
        Timer.builder("ulidmesh.backfill.batch.duration").description("Time to write one backfill batch on the target")
                .tag("target", target).publishPercentileHistogram().register(registry).record(Duration.ofNanos(nanos));
    }

    /** One gauge per running backfill, removed when it stops, so the series are as many as the running backfills. */
    @Override
    public void backfillRunning(String migrationId, DoubleSupplier rate) {
        rates.compute(migrationId, (id, previous) -> {
            if (previous != null) {
                registry.remove(previous);
            }
            return Gauge.builder("ulidmesh.backfill.rows.per.second", rate, DoubleSupplier::getAsDouble)
                    .description("Recent rate of a running backfill").tag("migration", id).strongReference(true).register(registry);
        });
    }

    @Override
    public void backfillStopped(String migrationId) {
        rates.computeIfPresent(migrationId, (id, gauge) -> {
            registry.remove(gauge);
            return null;
        });
    }

    @Override
    public void validated(String target, boolean passed) {
        Counter.builder("ulidmesh.migration.validations").description("Validations run, by result")
                .tag("target", target).tag("result", passed ? "passed" : "failed").register(registry).increment();
    }

    @Override
    public void stepDone(Step step, boolean ok) {
        Counter.builder("ulidmesh.migration.steps").description("Steps run, by step and outcome")
                .tag("step", step.label()).tag("outcome", ok ? "ok" : "failed").register(registry).increment();
    }
}
