package io.ulidmesh.resolution.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Lets Export see its own call's transport readiness. Quarkus subscribes to a server stream's Multi
 * without bounds, so Export reads its next page only once the call is ready for more: a slow client
 * holds at most one page in the server, whatever the registry's size.
 */
@ApplicationScoped
class ExportFlowControl implements ServerInterceptor {
    private static final Context.Key<ServerCall<?, ?>> CALL = Context.key("ulidmesh-server-call");
    private static final Duration POLL = Duration.ofMillis(2);

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        return Contexts.interceptCall(Context.current().withValue(CALL, call), call, headers, next);
    }

    /** The current call; read it at the start of the RPC method, before any async hop. */
    static ServerCall<?, ?> currentCall() {
        return CALL.get();
    }

    /** Completes when {@code call} can take more messages (at once if it can), or has been cancelled. */
    static Uni<Void> whenReady(ServerCall<?, ?> call) {
        if (call == null || call.isReady() || call.isCancelled()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(POLL).chain(() -> whenReady(call));
    }
}
