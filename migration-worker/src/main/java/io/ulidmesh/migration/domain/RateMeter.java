package io.ulidmesh.migration.domain;

import java.util.ArrayDeque;

/** Rows per second over the last few seconds, for progress reports and the ETA. */
public final class RateMeter {
    private record Sample(long nanos, long rows) {
    }

    private final long windowNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long total;

    public RateMeter(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    public synchronized void start(long nowNanos) {
        samples.clear();
        total = 0;
        samples.add(new Sample(nowNanos, 0));
    }

    public synchronized void record(long rows, long nowNanos) {
        total += rows;
        samples.add(new Sample(nowNanos, total));
        while (samples.size() > 2 && samples.peekFirst().nanos() < nowNanos - windowNanos) {
            samples.pollFirst();
        }
    }

    /** Rows per second between the oldest sample in the window and the newest. */
    public synchronized double rate() {
        if (samples.size() < 2) {
            return 0;
        }
        Sample first = samples.peekFirst();
        Sample lastSample = samples.peekLast();
        long nanos = lastSample.nanos() - first.nanos();
        return nanos <= 0 ? 0 : (lastSample.rows() - first.rows()) * 1e9 / nanos;
    }

    /** Seconds until {@code remaining} rows are done at the current rate; 0 when unknown or done. */
    public static long etaSeconds(long remaining, double rate) {
        return remaining <= 0 || rate <= 0 ? 0 : (long) Math.ceil(remaining / rate);
    }
}
