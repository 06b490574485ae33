package io.ulidmesh.migration.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ulidmesh.migration.domain.MigrationListener;
import io.ulidmesh.migration.domain.Step;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The worker's meters: {@code ulidmesh.backfill.rows} (rows given a ULID), {@code ulidmesh.backfill.batch.duration}
 * (histogram), per running backfill {@code ulidmesh.backfill.rows.per.second}, {@code ulidmesh.backfill.rows.done}
 * (the table's rows with a ULID) and {@code ulidmesh.backfill.rows.in.table} (the table's rows, as last counted),
 * {@code ulidmesh.migration.validations} (by result), {@code ulidmesh.migration.steps} (by step and outcome) and
 * {@code ulidmesh.migration.tunes}, {@code ulidmesh.migration.lock.waits} and {@code ulidmesh.migration.lock.wait.seconds}
 * and {@code ulidmesh.migration.throttled.seconds} (by target).
 *
 * <p>No label carries a value a caller picks freely: {@code target} is a registered target's name
 * (chosen by an admin, one series per target that ran a backfill or validation), {@code migration}
 * an id the worker minted, present only while its backfill runs, and {@code step}, {@code outcome}
 * and {@code result} come from fixed sets.
 */
@ApplicationScoped
public class MigrationMetrics implements MigrationListener {
    private final MeterRegistry registry;
    /** The gauges of each running backfill, by migration id. */
    private final Map<String, List<Gauge>> running = new ConcurrentHashMap<>();

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

    /** Gauges per running backfill, removed when it stops, so the series are as many as the running backfills. */
    @Override
    public void backfillRunning(String migrationId, DoubleSupplier rate, LongSupplier done, LongSupplier total) {
        running.compute(migrationId, (id, previous) -> {
            if (previous != null) {
                previous.forEach(registry::remove);
            }
            return List.of(
                    Gauge.builder("ulidmesh.backfill.rows.per.second", rate, DoubleSupplier::getAsDouble)
                            .description("Recent rate of a running backfill").tag("migration", id).strongReference(true)
                            .register(registry),
                    Gauge.builder("ulidmesh.backfill.rows.done", done, d -> d.getAsLong())
                            .description("Rows of a running backfill's table that have a ULID").tag("migration", id)
                            .strongReference(true).register(registry),
                    Gauge.builder("ulidmesh.backfill.rows.in.table", total, t -> t.getAsLong())
                            .description("Rows in a running backfill's table, as it last counted them").tag("migration", id)
                            .strongReference(true).register(registry));
        });
    }

    @Override
    public void backfillStopped(String migrationId) {
        running.computeIfPresent(migrationId, (id, gauges) -> {
            gauges.forEach(registry::remove);
            return null;
        });
    }

    @Override
    public void validated(String target, boolean passed) {
        Counter.builder("ulidmesh.migration.validations").description("Validations run, by result")
                .tag("target", target).tag("result", passed ? "passed" : "failed").register(registry).increment();
    }

    @Override
    public void lockWaited(String target, long nanos) {
        Counter.builder("ulidmesh.migration.lock.waits").description("Waits before retrying DDL whose lock was not granted within lock_timeout")
                .tag("target", target).register(registry).increment();
        Counter.builder("ulidmesh.migration.lock.wait.seconds").description("Time spent waiting before retrying DDL whose lock was not granted")
                .tag("target", target).register(registry).increment(nanos / 1e9);
    }

    @Override
    public void throttled(String target, long nanos) {
        Counter.builder("ulidmesh.migration.throttled.seconds").description("Seconds backfills were held back by the auto-throttle")
                .tag("target", target).register(registry).increment(nanos / 1e9);
    }

    @Override
    public void tuned(String target) {
        Counter.builder("ulidmesh.migration.tunes").description("Tune calls that changed a migration's batch size or throttle")
                .tag("target", target).register(registry).increment();
    }

    @Override
    public void stepDone(Step step, boolean ok) {
        Counter.builder("ulidmesh.migration.steps").description("Steps run, by step and outcome")
                .tag("step", step.label()).tag("outcome", ok ? "ok" : "failed").register(registry).increment();
    }
}
