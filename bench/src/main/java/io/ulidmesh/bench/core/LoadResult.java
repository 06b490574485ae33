package io.ulidmesh.bench.core;

import org.HdrHistogram.Histogram;

/**
 * What one load run measured. Latencies are in microseconds; at a fixed rate they count from each
 * call's intended start, so a stalled server shows up in the tail (no coordinated omission).
 * {@code itemsPerOp} turns ops/s into items/s for batch calls (e.g. 1000 ULIDs per Generate).
 */
public record LoadResult(String name, long targetRate, int concurrency, long ops, long errors, String firstError,
                         double seconds, Histogram latencyMicros, int itemsPerOp) {

    public double opsPerSecond() {
        return ops / seconds;
    }

    public double itemsPerSecond() {
        return opsPerSecond() * itemsPerOp;
    }

    public static String header() {
        return String.format("%-34s %9s %5s %12s %14s %9s %9s %9s %9s %9s %7s",
                "benchmark", "rate", "inflt", "ops/s", "items/s", "p50 µs", "p95 µs", "p99 µs", "p99.9 µs",
                "max µs", "errors");
    }

    @Override
    public String toString() {
        String line = String.format("%-34s %9s %5d %,12.0f %,14.0f %9d %9d %9d %9d %9d %7d",
                name, targetRate == 0 ? "flat-out" : String.valueOf(targetRate), concurrency, opsPerSecond(),
                itemsPerSecond(), latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(95),
                latencyMicros.getValueAtPercentile(99), latencyMicros.getValueAtPercentile(99.9),
                latencyMicros.getMaxValue(), errors);
        return firstError == null ? line : line + "  first error: " + firstError;
    }
}
