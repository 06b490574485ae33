package io.ulidmesh.testsupport;

import io.grpc.ClientInterceptors;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.ulidmesh.common.actor.Actor;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain gRPC channels to services under test: real clients, nothing in-process. */
public final class TestChannels {
    private TestChannels() {
    }

    /** The port the {@code @QuarkusTest} app listens on (gRPC and HTTP share it). */
    public static int quarkusTestPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    /** A plaintext channel to the {@code @QuarkusTest} app. */
    public static ManagedChannel toQuarkusTestApp() {
        return to(quarkusTestPort());
    }

    public static ManagedChannel to(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** {@code channel} with every call naming {@code actor} in {@code x-ulidmesh-actor}. */
    public static Channel as(Channel channel, String actor) {
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(Actor.header(actor)));
    }
}
