package io.ulidmesh.console.domain;

import io.ulidmesh.common.auth.Caller;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The console's sessions, in memory only (a restart signs everyone out, and no token is ever
 * written anywhere). Ids and CSRF tokens are 256 random bits; a session ends at its token's expiry
 * or after the configured lifetime, whichever is first.
 */
public final class Sessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final Duration lifetime;
    private final int max;
    private final Supplier<Instant> clock;

    /** {@code clock} says what time it is (Instant::now in production). */
    public Sessions(Duration lifetime, int max, Supplier<Instant> clock) {
        this.lifetime = lifetime;
        this.max = max;
        this.clock = clock;
    }

    /** A new session for a verified caller and the token that proved it. */
    public Session open(Caller caller, String token, String via) {
        Instant now = clock.get();
        Instant end = now.plus(lifetime);
        if (caller.expiresAt().isBefore(end)) {
            end = caller.expiresAt();
        }
        if (byId.size() >= max) {
            byId.values().removeIf(s -> !s.expiresAt().isAfter(now));
            while (byId.size() >= max) {
                byId.values().stream().min(Comparator.comparing(Session::expiresAt)).ifPresent(s -> byId.remove(s.id()));
            }
        }
        Session s = new Session(random(), token, caller.subject(), caller.role(), random(), end, via);
        byId.put(s.id(), s);
        return s;
    }

    /** The live session with this id; an expired one is forgotten. */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (!s.expiresAt().isAfter(clock.get())) {
            byId.remove(id);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    public void close(String id) {
        if (id != null) {
            byId.remove(id);
        }
    }

    public int size() {
        return byId.size();
    }

    /** Whether {@code given} is the session's CSRF token, compared in constant time. */
    public static boolean csrfMatches(Session session, String given) {
        return given != null && MessageDigest.isEqual(session.csrf().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
