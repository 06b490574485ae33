package io.ulidmesh.cli;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The connections of one command to the four services: a channel per service, made when first
 * used, carrying the bearer token on every call and using TLS when the settings ask for it. It
 * remembers which service refused the last call, so a refusal can name the service and its address.
 */
final class Mesh implements AutoCloseable {
    /** How long a unary call may take before it is DEADLINE_EXCEEDED. */
    static final long CALL_SECONDS = 30;
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** The four services, with the option and environment variable that address each. */
    enum Service {
        RESOLUTION("resolution-service", "--resolution", "ULIDMESH_RESOLUTION_ADDR", "localhost:8681"),
        FLAGS("flag-service", "--flags", "ULIDMESH_FLAGS_ADDR", "localhost:8682"),
        CONTROLLER("rollout-controller", "--controller", "ULIDMESH_CONTROLLER_ADDR", "localhost:8683"),
        WORKER("migration-worker", "--worker", "ULIDMESH_WORKER_ADDR", "localhost:8684");

        final String displayName;
        final String option;
        final String variable;
        final String defaultAddress;

        Service(String displayName, String option, String variable, String defaultAddress) {
            this.displayName = displayName;
            this.option = option;
            this.variable = variable;
            this.defaultAddress = defaultAddress;
        }
    }

    /** The service that answered the last failed call, where it is, and the RPC. */
    record Failure(Service service, String address, String method) {
    }

    private final Settings settings;
    private final Map<Service, ManagedChannel> channels = new EnumMap<>(Service.class);
    private volatile Failure lastFailure;

    Mesh(Settings settings) {
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    Failure lastFailure() {
        return lastFailure;
    }

    RolloutServiceGrpc.RolloutServiceBlockingStub controller() {
        return RolloutServiceGrpc.newBlockingStub(channel(Service.CONTROLLER)).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    /** The controller without a deadline, for WatchRollout. */
    RolloutServiceGrpc.RolloutServiceStub controllerStream() {
        return RolloutServiceGrpc.newStub(channel(Service.CONTROLLER));
    }

    RolloutServiceGrpc.RolloutServiceBlockingStub controllerBlockingStream() {
        return RolloutServiceGrpc.newBlockingStub(channel(Service.CONTROLLER));
    }

    FlagServiceGrpc.FlagServiceBlockingStub flags() {
        return FlagServiceGrpc.newBlockingStub(channel(Service.FLAGS)).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    MigrationServiceGrpc.MigrationServiceBlockingStub worker() {
        return MigrationServiceGrpc.newBlockingStub(channel(Service.WORKER)).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    /** The worker without a deadline, for Watch. */
    MigrationServiceGrpc.MigrationServiceStub workerStream() {
        return MigrationServiceGrpc.newStub(channel(Service.WORKER));
    }

    MigrationServiceGrpc.MigrationServiceBlockingStub workerBlockingStream() {
        return MigrationServiceGrpc.newBlockingStub(channel(Service.WORKER));
    }

    ResolutionServiceGrpc.ResolutionServiceBlockingStub resolution() {
        return ResolutionServiceGrpc.newBlockingStub(channel(Service.RESOLUTION)).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    synchronized ManagedChannel channel(Service service) {
        return channels.computeIfAbsent(service, this::open);
    }

    private ManagedChannel open(Service service) {
        Settings.Address address = settings.address(service);
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port())
                .intercept(new Calls(service, address.text()));
        if (settings.tls()) {
            builder.sslContext(sslContext());
        } else {
            builder.usePlaintext();
        }
        return builder.build();
    }

    private SslContext sslContext() {
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient();
            if (settings.tlsCa() != null) {
                ssl.trustManager(settings.tlsCa().toFile());
            }
            if (settings.tlsCert() != null) {
                ssl.keyManager(settings.tlsCert().toFile(), settings.tlsKey().toFile());
            }
            return ssl.build();
        } catch (SSLException e) {
            throw new UncheckedIOException(new IOException("TLS settings refused: " + e.getMessage(), e));
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("TLS files unreadable: " + e.getMessage(), e));
        }
    }

    @Override
    public synchronized void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        channels.clear();
    }

    /** Adds the bearer token to every call, and notes the service of a call that fails. */
    private final class Calls implements ClientInterceptor {
        private final Service service;
        private final String address;

        Calls(Service service, String address) {
            this.service = service;
            this.address = address;
        }

        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<A> listener, Metadata headers) {
                    settings.token().ifPresent(token -> headers.put(AUTHORIZATION, "Bearer " + token));
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
                                lastFailure = new Failure(service, address, method.getBareMethodName());
                            }
                            super.onClose(status, trailers);
                        }
                    }, headers);
                }
            };
        }
    }
}
