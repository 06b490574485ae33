package io.ulidmesh.testsupport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.ulidmesh.common.actor.Actor;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Plain gRPC channels to services under test: real clients, nothing in-process. Every call carries
 * a bearer token ({@link TestTokens#admin()} unless the test names another).
 */
public final class TestChannels {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private TestChannels() {
    }

    /** The port the {@code @QuarkusTest} app listens on (gRPC and HTTP share it). */
    public static int quarkusTestPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    /** A plaintext channel to the {@code @QuarkusTest} app, calling as the test admin. */
    public static ManagedChannel toQuarkusTestApp() {
        return to(quarkusTestPort());
    }

    /** A plaintext channel calling as the test admin. */
    public static ManagedChannel to(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .intercept(bearer(TestTokens.admin())).build();
    }

    /** A plaintext channel that sends no token. */
    public static ManagedChannel withoutToken(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /**
     * {@code channel} calling as {@code actor}, an admin: the token's {@code sub} is the actor (and
     * the {@code x-ulidmesh-actor} header, which only a service with auth off believes).
     */
    public static Channel as(Channel channel, String actor) {
        return ClientInterceptors.intercept(withToken(channel, TestTokens.token(actor, "admin")),
                MetadataUtils.newAttachHeadersInterceptor(Actor.header(actor)));
    }

    /** {@code channel} with every call carrying {@code token} instead of the channel's own. */
    public static Channel withToken(Channel channel, String token) {
        return ClientInterceptors.intercept(channel, bearer(token));
    }

    /** Adds {@code authorization: Bearer token} to calls that carry none yet. */
    public static ClientInterceptor bearer(String token) {
        return new ClientInterceptor() {
            @Override
            public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
                    MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<RespT> listener, Metadata headers) {
                        if (!headers.containsKey(AUTHORIZATION)) {
                            headers.put(AUTHORIZATION, "Bearer " + token);
                        }
                        super.start(listener, headers);
                    }
                };
            }
        };
    }
}
