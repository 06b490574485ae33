package io.ulidmesh.flags.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.metrics.FlagMetrics;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Server streams fed by a change-feed subscription (Watch, flagd EventStream), counted as watchers. */
final class ChangeStreams {
    private ChangeStreams() {
    }

    /**
     * A stream whose {@code subscribe} starts the subscription that emits into it; the subscription
     * is closed when the client goes away, even if that happens while it was being set up.
     */
    static <T> Multi<T> open(FlagMetrics metrics,
                             Function<MultiEmitter<? super T>, ChangeFeed.Subscription> subscribe) {
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
        }, BackPressureStrategy.BUFFER);
    }

    private static void close(AtomicReference<ChangeFeed.Subscription> subscription) {
        ChangeFeed.Subscription s = subscription.getAndSet(null);
        if (s != null) {
            s.close();
        }
    }
}
