package io.ulidmesh.common.grpc;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.function.Supplier;

/**
 * Runs blocking work (JDBC, a peer's blocking stub) on the worker pool, never on the event loop
 * that serves the gRPC call.
 */
public final class Blocking {
    private Blocking() {
    }

    /** {@code stream} subscribed on a worker thread (its setup may read the database). */
    public static <T> Multi<T> subscribedOnWorker(Multi<T> stream) {
        return stream.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** A Uni that runs {@code work} on a worker thread when subscribed. */
    public static <T> Uni<T> call(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
