package io.ulidmesh.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The verifier over smallrye-jwt's real parser, with real RS256 tokens. */
class TokenVerifierTest {
    private static final KeyPair KEYS = generate();
    private final AtomicInteger signatureChecks = new AtomicInteger();
    private final MutableClock clock = new MutableClock();

    private TokenVerifier verifier(int cacheSize) {
        JWTAuthContextInfo info = new JWTAuthContextInfo((RSAPublicKey) KEYS.getPublic(), "ulidmesh");
        JWTParser counting = new DefaultJWTParser(info) {
            @Override
            public JsonWebToken parse(String token) throws ParseException {
                signatureChecks.incrementAndGet();
                return super.parse(token);
            }
        };
        return new TokenVerifier(counting, cacheSize, clock);
    }

    @Test
    void aTokenIsVerifiedOnceAndThenServedFromTheCache() {
        TokenVerifier verifier = verifier(100);
        String token = token("alice", "operator", Instant.now().plusSeconds(600));
        for (int i = 0; i < 1000; i++) {
            assertThat(verifier.verify(token)).hasValueSatisfying(c -> {
                assertThat(c.subject()).isEqualTo("alice");
                assertThat(c.role()).isEqualTo(Role.OPERATOR);
            });
        }
        assertThat(signatureChecks).hasValue(1);
    }

    @Test
    void aCachedTokenStopsWorkingWhenItExpires() {
        TokenVerifier verifier = verifier(100);
        Instant expiry = Instant.now().plusSeconds(600);
        String token = token("alice", "viewer", expiry);
        assertThat(verifier.verify(token)).isPresent();
        clock.now = expiry.plusSeconds(1);
        assertThat(verifier.verify(token)).isEmpty();
    }

    @Test
    void forgedAndForeignTokensAreRefused() {
        TokenVerifier verifier = verifier(100);
        KeyPair other = generate();
        String forged = Jwt.issuer("ulidmesh").subject("mallory").groups(Set.of("admin"))
                .expiresAt(Instant.now().plusSeconds(600)).sign(other.getPrivate());
        String foreign = Jwt.issuer("elsewhere").subject("mallory").groups(Set.of("admin"))
                .expiresAt(Instant.now().plusSeconds(600)).sign(KEYS.getPrivate());
        assertThat(verifier.verify(forged)).isEmpty();
        assertThat(verifier.verify(foreign)).isEmpty();
        assertThat(verifier.verify("not.a.jwt")).isEmpty();
    }

    @Test
    void theCacheStaysWithinItsBound() {
        TokenVerifier verifier = verifier(10);
        for (int i = 0; i < 25; i++) {
            assertThat(verifier.verify(token("user-" + i, "viewer", Instant.now().plusSeconds(600)))).isPresent();
        }
        assertThat(verifier.cached()).isLessThanOrEqualTo(10);
    }

    @Test
    void controlCharactersInTheSubjectAreEscaped() {
        TokenVerifier verifier = verifier(10);
        assertThat(verifier.verify(token("eve\nINFO forged", "viewer", Instant.now().plusSeconds(600))))
                .hasValueSatisfying(c -> assertThat(c.subject()).isEqualTo("eve\\nINFO forged"));
    }

    private static String token(String subject, String role, Instant expiresAt) {
        return Jwt.issuer("ulidmesh").subject(subject).groups(Set.of(role)).expiresAt(expiresAt).sign(KEYS.getPrivate());
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.now();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
