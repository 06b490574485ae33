package io.ulidmesh.rollout.domain;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that changes rollouts. Operator actions, pushed signals and the periodic tick all
 * queue on it, so they never race one another.
 */
public final class EngineThread {
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rollout-engine"));

    /** Runs {@code tick} every {@code every}, after the previous run ends. */
    public void start(Duration every, Runnable tick) {
        thread.scheduleWithFixedDelay(tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code work} on the engine thread; the future completes with its result or its failure. */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    public void stop() {
        thread.shutdownNow();
    }
}
