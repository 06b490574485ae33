package io.ulidmesh.common.auth;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.ulidmesh.common.actor.AuditText;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Checks bearer tokens with smallrye-jwt (signature against {@code mp.jwt.verify.publickey.location},
 * issuer against {@code mp.jwt.verify.issuer}, expiry) and keeps the verified ones until they
 * expire, so the signature is checked once per token, not once per call.
 */
@ApplicationScoped
public class TokenVerifier {
    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);

    private final JWTParser parser;
    private final int cacheSize;
    private final Clock clock;
    private final Map<String, Caller> verified = new ConcurrentHashMap<>();

    @Inject
    TokenVerifier(JWTParser parser, AuthConfig config) {
        this(parser, config.cacheSize(), Clock.systemUTC());
    }

    TokenVerifier(JWTParser parser, int cacheSize, Clock clock) {
        this.parser = parser;
        this.cacheSize = cacheSize;
        this.clock = clock;
    }

    /** The caller a token names, or empty when the token is not one this service trusts. */
    public Optional<Caller> verify(String token) {
        Instant now = clock.instant();
        Caller cached = verified.get(token);
        if (cached != null) {
            if (cached.expiresAt().isAfter(now)) {
                return Optional.of(cached);
            }
            verified.remove(token);
            return Optional.empty();
        }
        Caller caller = parse(token);
        if (caller == null || !caller.expiresAt().isAfter(now)) {
            return Optional.empty();
        }
        if (verified.size() >= cacheSize) {
            // A full cache is rare (cacheSize distinct live tokens); starting over keeps it bounded.
            verified.clear();
        }
        verified.put(token, caller);
        return Optional.of(caller);
    }

    /** How many verified tokens are kept now. */
    int cached() {
        return verified.size();
    }

    private Caller parse(String token) {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            LOG.debugf(e, "token refused: %s", e.getMessage());
            return null;
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            LOG.debug("token refused: it has no sub claim");
            return null;
        }
        Role role = Role.highestOf(jwt.getGroups()).orElse(null);
        Instant expiresAt = jwt.getExpirationTime() > 0 ? Instant.ofEpochSecond(jwt.getExpirationTime()) : Instant.MAX;
        return new Caller(AuditText.escape(subject), role, expiresAt);
    }
}
