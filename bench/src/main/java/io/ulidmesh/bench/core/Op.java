package io.ulidmesh.bench.core;

import com.google.common.util.concurrent.ListenableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One operation the load generator issues: either asynchronous (returns a future that completes when
 * the reply arrives, so one driver thread keeps many calls in flight) or blocking (the call returns
 * when done, so the generator runs one driver thread per in-flight call).
 */
public final class Op {
    private final Supplier<CompletionStage<?>> start;
    private final boolean blocking;

    private Op(Supplier<CompletionStage<?>> start, boolean blocking) {
        this.start = start;
        this.blocking = blocking;
    }

    /** An asynchronous op, e.g. {@code () -> uni.subscribeAsCompletionStage()}. */
    public static Op async(Supplier<? extends CompletionStage<?>> start) {
        return new Op(start::get, false);
    }

    /** An op over a grpc-java future stub call, e.g. {@code () -> futureStub.resolve(request)}. */
    public static Op listenable(Supplier<? extends ListenableFuture<?>> start) {
        return new Op(() -> {
            CompletableFuture<Object> done = new CompletableFuture<>();
            ListenableFuture<?> f = start.get();
            f.addListener(() -> {
                try {
                    done.complete(f.get());
                } catch (Exception e) {
                    done.completeExceptionally(e.getCause() != null ? e.getCause() : e);
                }
            }, Runnable::run);
            return done;
        }, false);
    }

    /** A blocking op, e.g. {@code () -> blockingStub.resolve(request)} or a JDBC query. */
    public static Op blocking(Callable<?> call) {
        return new Op(() -> {
            try {
                return CompletableFuture.completedFuture(call.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }, true);
    }

    boolean isBlocking() {
        return blocking;
    }

    CompletionStage<?> start() {
        try {
            return start.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
