package io.ulidmesh.bench.core;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Plaintext channels to the target (with the token of {@code --token-file}, else of
 * {@code ULIDMESH_TOKEN_FILE}), used round robin: several HTTP/2 connections let the server
 * spread calls over several event loops, as many independent clients would.
 */
public final class GrpcTargets implements AutoCloseable {
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    public GrpcTargets(LoadSpec spec) {
        for (int i = 0; i < spec.channels(); i++) {
            // directExecutor: completions are cheap (record a latency, free a slot), so they run on the event loop.
            NettyChannelBuilder plain = NettyChannelBuilder.forAddress(spec.host(), spec.port()).usePlaintext();
            channels.add(BenchChannels.withToken(plain, spec.option("token-file", System.getenv("ULIDMESH_TOKEN_FILE")))
                    .directExecutor()
                    .maxInboundMessageSize(64 * 1024 * 1024).build());
        }
    }

    /** One stub per channel, built by {@code factory} (e.g. {@code ResolutionServiceGrpc::newFutureStub}). */
    public <S> RoundRobin<S> stubs(Function<ManagedChannel, S> factory) {
        List<S> stubs = channels.stream().map(factory).toList();
        return () -> stubs.get(Math.floorMod(next.getAndIncrement(), stubs.size()));
    }

    /** Hands out the next stub. */
    @FunctionalInterface
    public interface RoundRobin<S> {
        S next();
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
