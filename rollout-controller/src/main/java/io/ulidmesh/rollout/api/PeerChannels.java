package io.ulidmesh.rollout.api;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.netty.handler.ssl.SslContext;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.common.auth.ClientToken;
import io.ulidmesh.rollout.domain.RolloutLog;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Channels to peers by host:port (TLS when a trust store is configured, else plaintext for local
 * runs), each call given the peer deadline. Calls to the mesh's
 * own services carry the controller's token (its identity); calls to other hosts (grpc-health
 * signals) never do, so a plan cannot make the controller hand its token to a host it names.
 */
public class PeerChannels implements AutoCloseable {
    /** Codes after which the same call may well succeed later: the step waits instead of failing. */
    private static final Set<Status.Code> TRANSIENT = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.INTERNAL, Status.Code.UNKNOWN);
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Duration deadline;
    private final Optional<ClientToken> token;
    private final Set<String> meshAddresses;
    private final Optional<SslContext> tls;

    /**
     * {@code meshAddresses}: the peers that get {@code token} (with none, peers must run with auth
     * off); {@code tls}: how to call every peer over TLS (empty: plaintext).
     */
    public PeerChannels(Duration deadline, Optional<ClientToken> token, Set<String> meshAddresses, Optional<SslContext> tls) {
        this.deadline = deadline;
        this.token = token;
        this.meshAddresses = Set.copyOf(meshAddresses);
        this.tls = tls;
    }

    /** A blocking stub ({@code newStub} of a channel) to {@code address}, whose calls end at the deadline. */
    <S extends AbstractStub<S>> S stub(String address, Function<Channel, S> newStub) {
        ManagedChannel ch = channels.computeIfAbsent(address, this::open);
        Channel channel = ch;
        if (meshAddresses.contains(address)) {
            // The actor header names the controller to peers that run with auth off; with auth on the token does.
            channel = ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(Actor.header(RolloutLog.CONTROLLER)));
            if (token.isPresent()) {
                channel = ClientInterceptors.intercept(channel, token.get());
            }
        }
        return newStub.apply(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ManagedChannel open(String address) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address);
        return (tls.isPresent() ? builder.sslContext(tls.get()) : builder.usePlaintext()).build();
    }

    /** Runs a blocking call; a failed one is a {@link PeerFailure} saying {@code what} failed. */
    static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw failure(what, e);
        }
    }

    static PeerFailure failure(String what, StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        String detail = e.getStatus().getDescription();
        return new PeerFailure(what + " failed: " + code + (detail == null ? "" : " " + detail), TRANSIENT.contains(code), e);
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
