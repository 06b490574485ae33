package io.ulidmesh.console.client;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.ulidmesh.common.auth.ClientConfig;
import io.ulidmesh.common.auth.ClientTls;
import io.ulidmesh.console.config.ConsoleConfig;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One channel per service, shared by every session; each call carries the signed-in user's own
 * token, so the services see (and check, and record as the actor) the person, not the console.
 * The channels use TLS when {@code ulidmesh.client.tls-ca} is set (common's client settings, as the
 * controller's calls to its peers), with the console's client certificate for mTLS services.
 */
@ApplicationScoped
public class MeshClients {
    public static final String RESOLUTION = "resolution-service";
    public static final String FLAGS = "flag-service";
    public static final String CONTROLLER = "rollout-controller";
    public static final String WORKER = "migration-worker";

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ConsoleConfig config;
    private final ManagedChannel resolution;
    private final ManagedChannel flags;
    private final ManagedChannel controller;
    private final ManagedChannel worker;

    private final boolean tls;

    @Inject
    public MeshClients(ConsoleConfig config, ClientConfig client) {
        this.config = config;
        Optional<SslContext> ssl = ClientTls.of(client);
        this.tls = ssl.isPresent();
        this.resolution = open(config.resolutionService(), ssl);
        this.flags = open(config.flagService(), ssl);
        this.controller = open(config.rolloutController(), ssl);
        this.worker = open(config.migrationWorker(), ssl);
    }

    public RolloutServiceGrpc.RolloutServiceBlockingStub controller(String token) {
        return unary(RolloutServiceGrpc.newBlockingStub(controller), token);
    }

    /** Without a deadline: for WatchRollout. */
    public RolloutServiceGrpc.RolloutServiceStub controllerStream(String token) {
        return RolloutServiceGrpc.newStub(controller).withCallCredentials(bearer(token));
    }

    public FlagServiceGrpc.FlagServiceBlockingStub flags(String token) {
        return unary(FlagServiceGrpc.newBlockingStub(flags), token);
    }

    public MigrationServiceGrpc.MigrationServiceBlockingStub worker(String token) {
        return unary(MigrationServiceGrpc.newBlockingStub(worker), token);
    }

    /** Without a deadline: for the worker's Watch. */
    public MigrationServiceGrpc.MigrationServiceStub workerStream(String token) {
        return MigrationServiceGrpc.newStub(worker).withCallCredentials(bearer(token));
    }

    public ResolutionServiceGrpc.ResolutionServiceBlockingStub resolution(String token) {
        return unary(ResolutionServiceGrpc.newBlockingStub(resolution), token);
    }

    /** A stub carrying the user's token and the call deadline. */
    private <S extends io.grpc.stub.AbstractStub<S>> S unary(S stub, String token) {
        return stub.withCallCredentials(bearer(token)).withDeadlineAfter(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * http://HOST:PORT/q/metrics of the controller, where its signal gauges are; empty with TLS (the
     * controller's port then speaks HTTPS only, and GetDeploymentHealth gives the values anyway).
     */
    public Optional<String> controllerMetricsUrl() {
        return tls ? Optional.empty() : Optional.of("http://" + config.rolloutController() + "/q/metrics");
    }

    @PreDestroy
    void close() {
        for (ManagedChannel c : new ManagedChannel[] {resolution, flags, controller, worker}) {
            c.shutdownNow();
        }
    }

    private static ManagedChannel open(String address, Optional<SslContext> ssl) {
        int colon = address.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("ulidmesh.console: '" + address + "' is not HOST:PORT");
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        return ssl.map(builder::sslContext).orElseGet(builder::usePlaintext).build();
    }

    static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                if (token == null || token.isEmpty()) {
                    applier.fail(Status.UNAUTHENTICATED.withDescription("not signed in"));
                    return;
                }
                headers.put(AUTHORIZATION, "Bearer " + token);
                applier.apply(headers);
            }
        };
    }
}
