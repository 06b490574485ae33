package io.ulidmesh.rollout.peers;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.ulidmesh.common.actor.Actor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Plaintext channels to peers by host:port, each call naming {@code rollout-controller} as actor. */
public final class Channels implements AutoCloseable {
    public static final String ACTOR = "rollout-controller";
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public Channel to(String address) {
        ManagedChannel ch = channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
        return ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(Actor.header(ACTOR)));
    }

    @Override
    public void close() {
        channels.values().forEach(c -> {
            c.shutdownNow();
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
