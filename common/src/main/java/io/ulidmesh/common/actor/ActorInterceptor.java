package io.ulidmesh.common.actor;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Puts the caller's actor into the gRPC context of every call, for {@link Actor#current()}. */
@ApplicationScoped
@GlobalInterceptor
public class ActorInterceptor implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        Context context = Context.current().withValue(Actor.CONTEXT_KEY, Actor.fromHeader(headers.get(Actor.HEADER)));
        return Contexts.interceptCall(context, call, headers, next);
    }
}
