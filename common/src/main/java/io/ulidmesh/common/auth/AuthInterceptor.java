package io.ulidmesh.common.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.ulidmesh.common.actor.Actor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Every gRPC call's identity check, before any handler runs, so a refused call changes nothing:
 * no or a bad token is UNAUTHENTICATED, a token without the role the method needs is
 * PERMISSION_DENIED naming that role. The token's {@code sub} becomes the call's {@link Actor};
 * with auth off the {@code x-ulidmesh-actor} header is trusted instead.
 */
@ApplicationScoped
@GlobalInterceptor
@Priority(100)
public class AuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(AuthInterceptor.class);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final boolean enabled;
    private final Optional<Role> anonymousRole;
    private final TokenVerifier verifier;
    private final RolePolicy policy;

    AuthInterceptor(AuthConfig config, TokenVerifier verifier, Instance<RolePolicy> policies) {
        this.enabled = config.mode() == AuthConfig.Mode.ON;
        this.anonymousRole = AuthSettings.anonymousRole(config);
        this.verifier = verifier;
        this.policy = policies.isResolvable() ? policies.get() : Map::of;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        if (!enabled) {
            return Contexts.interceptCall(Actor.withActor(Context.current(), Actor.fromHeader(headers.get(Actor.HEADER))),
                    call, headers, next);
        }
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<Role> needed = policy.required(method);
        if (needed.isEmpty()) {
            // Open methods (health, reflection) ignore any token, trusted or not.
            return next.startCall(call, headers);
        }
        String authorization = headers.get(AUTHORIZATION);
        Caller caller;
        if (authorization == null) {
            if (anonymousRole.isEmpty()) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription(
                        method + " needs a bearer token (metadata 'authorization: Bearer <JWT>')"));
            }
            caller = new Caller(Actor.ANONYMOUS, anonymousRole.get(), Instant.MAX);
        } else {
            Optional<Caller> verified = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? verifier.verify(authorization.substring(BEARER.length()).strip())
                    : Optional.empty();
            if (verified.isEmpty()) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription(
                        "the bearer token was refused: it is malformed, expired, not signed by a trusted key,"
                                + " or from another issuer; get a new token"));
            }
            caller = verified.get();
        }
        if (caller.role() == null || !caller.role().includes(needed.get())) {
            LOG.infof("denied %s to '%s' (role %s, needs %s)", method, caller.subject(),
                    caller.role() == null ? "none" : caller.role().groupName(), needed.get().groupName());
            return refuse(call, Status.PERMISSION_DENIED.withDescription(method + " needs role "
                    + needed.get().groupName() + "; '" + caller.subject() + "' has "
                    + (caller.role() == null ? "no ulidmesh role" : "role " + caller.role().groupName())));
        }
        return Contexts.interceptCall(Actor.withActor(Context.current(), caller.subject()), call, headers, next);
    }

    private static <ReqT, RespT> ServerCall.Listener<ReqT> refuse(ServerCall<ReqT, RespT> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
