package io.ulidmesh.testsupport;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.reflection.v1alpha.Reflection.ServerReflectionRequest;
import grpc.reflection.v1alpha.Reflection.ServerReflectionResponse;
import grpc.reflection.v1alpha.Reflection.ServiceResponse;
import grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What every service of the mesh must serve besides its own RPCs: gRPC health and reflection. */
public final class ServiceBasics {
    private ServiceBasics() {
    }

    /** The overall gRPC health status ("" service) of the server behind {@code channel}. */
    public static HealthCheckResponse.ServingStatus health(Channel channel) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("").build()).getStatus();
    }

    /** The service names listed by gRPC server reflection, as {@code grpcurl list} shows them. */
    public static List<String> reflectedServices(Channel channel) throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        names.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        names.completeExceptionally(new IllegalStateException("reflection answered nothing"));
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        return names.get(5, TimeUnit.SECONDS);
    }
}
