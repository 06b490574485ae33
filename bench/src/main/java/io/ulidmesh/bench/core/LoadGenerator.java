package io.ulidmesh.bench.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one {@link Op} for a warm-up and then a measured period, flat out or at a fixed rate.
 *
 * <p>At most {@code concurrency} calls are in flight. Asynchronous ops are issued by one driver
 * thread; blocking ops by one driver thread per in-flight call. Flat out, each call is timed from
 * its own start. At a fixed rate, call {@code i} is due at {@code start + i / rate} and is timed
 * from that due time, so time spent waiting for a free slot behind a slow server is counted
 * (coordinated-omission-correct, like wrk2).
 */
public final class LoadGenerator {
    private static final long MAX_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(2);

    private LoadGenerator() {
    }

    public static LoadResult run(String name, LoadSpec spec, Op op) {
        return run(name, spec, op, 1);
    }

    /** Runs {@code op} as {@code spec} says; {@code itemsPerOp} converts ops/s into items/s in the report. */
    public static LoadResult run(String name, LoadSpec spec, Op op, int itemsPerOp) {
        Run run = new Run(spec, op);
        run.start();
        sleep(spec.warmup().toNanos());
        run.recorder.getIntervalHistogram(); // discard the warm-up
        run.errors.set(0);
        run.firstError.set(null);
        long measuredFrom = System.nanoTime();
        sleep(spec.duration().toNanos());
        Histogram measured = run.recorder.getIntervalHistogram();
        double seconds = (System.nanoTime() - measuredFrom) / 1e9;
        run.stop();
        Throwable first = run.firstError.get();
        LoadResult result = new LoadResult(name, spec.ratePerSecond(), spec.concurrency(), measured.getTotalCount(),
                run.errors.get(), first == null ? null : String.valueOf(first.getMessage()), seconds, measured,
                itemsPerOp);
        System.out.println(result);
        return result;
    }

    private static void sleep(long nanos) {
        long until = System.nanoTime() + nanos;
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static final class Run {
        final LoadSpec spec;
        final Op op;
        final Recorder recorder = new Recorder(MAX_TRACKABLE_MICROS, 3);
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();
        final Semaphore slots;
        final AtomicLong sequence = new AtomicLong();
        final List<Thread> drivers = new ArrayList<>();
        volatile boolean running = true;
        long startNanos;
        double intervalNanos;

        Run(LoadSpec spec, Op op) {
            this.spec = spec;
            this.op = op;
            this.slots = new Semaphore(spec.concurrency());
        }

        void start() {
            startNanos = System.nanoTime();
            intervalNanos = spec.flatOut() ? 0 : 1e9 / spec.ratePerSecond();
            int threads = op.isBlocking() ? spec.concurrency() : 1;
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(this::drive, "load-driver-" + i);
                t.setDaemon(true);
                drivers.add(t);
                t.start();
            }
        }

        void drive() {
            while (running) {
                long due;
                if (spec.flatOut()) {
                    slots.acquireUninterruptibly();
                    due = System.nanoTime();
                } else {
                    due = startNanos + (long) (sequence.getAndIncrement() * intervalNanos);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0 && running) {
                        LockSupport.parkNanos(wait);
                    }
                    slots.acquireUninterruptibly();
                }
                if (!running) {
                    slots.release();
                    return;
                }
                final long from = due;
                op.start().whenComplete((ok, failure) -> {
                    long micros = (System.nanoTime() - from) / 1000;
                    if (failure == null) {
                        recorder.recordValue(Math.min(micros, MAX_TRACKABLE_MICROS));
                    } else if (errors.getAndIncrement() == 0) {
                        firstError.compareAndSet(null, failure);
                    }
                    slots.release();
                });
            }
        }

        void stop() {
            running = false;
            for (Thread t : drivers) {
                LockSupport.unpark(t);
            }
            // Let in-flight calls finish so the next run starts on an idle server.
            try {
                slots.tryAcquire(spec.concurrency(), 10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
