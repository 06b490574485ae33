package io.ulidmesh.flags.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.metrics.FlagMetrics;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Server streams fed by a change-feed subscription (Watch, flagd EventStream), counted as watchers. */
final class ChangeStreams {
    /**
     * Watch setups (a snapshot or replay read from the database) run on these few threads, so a
     * burst of new streams waits its turn instead of growing the shared worker pool to its maximum,
     * where the threads then idled on (issue 17). Idle ones end after a minute.
     */
    private static final int SETUP_THREADS = 4;
    private static final ThreadPoolExecutor SETUP = setupPool();

    private ChangeStreams() {
    }

    /** {@code stream} subscribed on the bounded setup pool (its setup may read the database). */
    static <T> Multi<T> setUpOffTheEventLoop(Multi<T> stream) {
        return stream.runSubscriptionOn(SETUP);
    }

    private static ThreadPoolExecutor setupPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(SETUP_THREADS, SETUP_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "flag-stream-setup-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * A stream whose {@code subscribe} starts the subscription that emits into it; the subscription
     * is closed when the client goes away, even if that happens while it was being set up. Call it
     * from the gRPC method: items are sent on that call's event loop ({@link CallEventLoop}), from
     * whichever thread (setup pool, change listener) emits them.
     */
    static <T> Multi<T> open(FlagMetrics metrics,
                             Function<MultiEmitter<? super T>, ChangeFeed.Subscription> subscribe) {
        Executor eventLoop = CallEventLoop.current();
        return Multi.createFrom().<T>emitter(emitter -> {
            AtomicReference<ChangeFeed.Subscription> subscription = new AtomicReference<>();
            metrics.watcherStarted();
            emitter.onTermination(() -> {
                metrics.watcherEnded();
                close(subscription);
            });
            try {
                subscription.set(subscribe.apply(emitter));
                if (emitter.isCancelled()) {
                    close(subscription);
                }
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        }, BackPressureStrategy.BUFFER).emitOn(eventLoop);
    }

    private static void close(AtomicReference<ChangeFeed.Subscription> subscription) {
        ChangeFeed.Subscription s = subscription.getAndSet(null);
        if (s != null) {
            s.close();
        }
    }
}
