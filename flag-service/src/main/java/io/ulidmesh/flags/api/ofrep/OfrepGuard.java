package io.ulidmesh.flags.api.ofrep;

import io.ulidmesh.common.auth.AuthConfig;
import io.ulidmesh.common.auth.Caller;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.common.auth.RolePolicy;
import io.ulidmesh.common.auth.TokenVerifier;
import io.ulidmesh.flags.config.FlagConfig;
import io.ulidmesh.flags.metrics.FlagMetrics;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Identity and the rate limit of the OFREP endpoints, before any handler runs: the same bearer JWTs
 * as the gRPC side (TokenVerifier, the {@code groups} role), and evaluation needs the role Evaluate
 * needs. No or a bad token is 401, a token without the role 403 naming it; past
 * {@code ulidmesh.flags.ofrep.rate-limit} requests a second, 429 with Retry-After in seconds.
 */
@ApplicationScoped
public class OfrepGuard {
    private static final Logger LOG = Logger.getLogger(OfrepGuard.class);
    private static final String BEARER = "Bearer ";
    private static final String EVALUATE = FlagServiceGrpc.getEvaluateMethod().getFullMethodName();

    private final boolean enabled;
    private final Optional<Role> anonymousRole;
    private final Role needed;
    private final TokenVerifier verifier;
    private final RateLimit limit;
    private final FlagMetrics metrics;

    OfrepGuard(AuthConfig auth, TokenVerifier verifier, RolePolicy roles, FlagConfig config, FlagMetrics metrics) {
        this.enabled = auth.mode() == AuthConfig.Mode.ON;
        this.anonymousRole = auth.anonymousRole().map(String::strip).flatMap(Role::ofGroup);
        this.needed = roles.required(EVALUATE).orElse(Role.VIEWER);
        this.verifier = verifier;
        double rate = config.ofrep().rateLimit();
        this.limit = rate > 0 ? new RateLimit(rate, config.ofrep().burst().orElse((int) Math.ceil(rate)), System.nanoTime())
                : null;
        this.metrics = metrics;
    }

    /** Refuses the request (401, 403, 429) before its handler runs, or lets it go on. */
    void check(ContainerRequestContext request) {
        if (enabled) {
            Response refusal = checkIdentity(request.getHeaderString(HttpHeaders.AUTHORIZATION));
            if (refusal != null) {
                request.abortWith(refusal);
                return;
            }
        }
        if (limit != null) {
            long waitNanos = limit.take(System.nanoTime());
            if (waitNanos > 0) {
                long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
                request.abortWith(Response.fromResponse(OfrepErrors.json(429, OfrepErrors.body(null, "GENERAL",
                                "rate limit exceeded; retry after " + seconds + " s")))
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds)).build());
            }
        }
    }

    void answered(int status) {
        metrics.ofrepAnswered(status);
    }

    private Response checkIdentity(String authorization) {
        Caller caller;
        if (authorization == null) {
            if (anonymousRole.isEmpty()) {
                return unauthenticated("OFREP needs a bearer token (header 'Authorization: Bearer <JWT>')");
            }
            caller = new Caller("anonymous", anonymousRole.get(), Instant.MAX);
        } else {
            Optional<Caller> verified = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? verifier.verify(authorization.substring(BEARER.length()).strip())
                    : Optional.empty();
            if (verified.isEmpty()) {
                return unauthenticated("the bearer token was refused: it is malformed, expired, not signed by a"
                        + " trusted key, or from another issuer; get a new token");
            }
            caller = verified.get();
        }
        if (caller.role() == null || !caller.role().includes(needed)) {
            LOG.infof("denied OFREP to '%s' (role %s, needs %s)", caller.subject(),
                    caller.role() == null ? "none" : caller.role().groupName(), needed.groupName());
            return OfrepErrors.json(403, OfrepErrors.body(null, "GENERAL", "OFREP evaluation needs role "
                    + needed.groupName() + "; '" + caller.subject() + "' has "
                    + (caller.role() == null ? "no ulidmesh role" : "role " + caller.role().groupName())));
        }
        return null;
    }

    private static Response unauthenticated(String details) {
        return Response.fromResponse(OfrepErrors.json(401, OfrepErrors.body(null, "GENERAL", details)))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
