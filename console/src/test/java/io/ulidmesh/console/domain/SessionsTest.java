package io.ulidmesh.console.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.common.auth.Caller;
import io.ulidmesh.common.auth.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-30T12:00:00Z"));
    private final Supplier<Instant> clock = now::get;

    @Test
    void aSessionEndsWithItsTokenOrItsLifetime() {
        Sessions sessions = new Sessions(Duration.ofHours(8), 10, clock);
        Session shortToken = sessions.open(new Caller("alice", Role.OPERATOR, now.get().plusSeconds(60)), "t1", "token");
        Session longToken = sessions.open(new Caller("bob", Role.VIEWER, now.get().plus(Duration.ofDays(2))), "t2", "token");
        assertThat(shortToken.expiresAt()).isEqualTo(now.get().plusSeconds(60));
        assertThat(longToken.expiresAt()).isEqualTo(now.get().plus(Duration.ofHours(8)));
        now.set(now.get().plusSeconds(61));
        assertThat(sessions.find(shortToken.id())).isEmpty();
        assertThat(sessions.find(longToken.id())).contains(longToken);
    }

    @Test
    void idsAndCsrfTokensAreRandomAndCompared() {
        Sessions sessions = new Sessions(Duration.ofHours(1), 10, clock);
        Session a = sessions.open(new Caller("a", Role.ADMIN, Instant.MAX), "t", "token");
        Session b = sessions.open(new Caller("a", Role.ADMIN, Instant.MAX), "t", "token");
        assertThat(a.id()).isNotEqualTo(b.id()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(a.csrf()).isNotEqualTo(b.csrf()).isNotEqualTo(a.id());
        assertThat(Sessions.csrfMatches(a, a.csrf())).isTrue();
        assertThat(Sessions.csrfMatches(a, b.csrf())).isFalse();
        assertThat(Sessions.csrfMatches(a, null)).isFalse();
        assertThat(Sessions.csrfMatches(a, "")).isFalse();
    }

    @Test
    void theOldestGoFirstWhenFull() {
        Sessions sessions = new Sessions(Duration.ofHours(1), 2, clock);
        Session first = sessions.open(new Caller("a", Role.VIEWER, now.get().plusSeconds(10)), "t", "token");
        Session second = sessions.open(new Caller("b", Role.VIEWER, now.get().plusSeconds(20)), "t", "token");
        Session third = sessions.open(new Caller("c", Role.VIEWER, now.get().plusSeconds(30)), "t", "token");
        assertThat(sessions.size()).isEqualTo(2);
        assertThat(sessions.find(first.id())).isEmpty();
        assertThat(sessions.find(second.id())).isPresent();
        assertThat(sessions.find(third.id())).isPresent();
    }

    @Test
    void rolesIncludeTheLowerOnes() {
        Sessions sessions = new Sessions(Duration.ofHours(1), 10, clock);
        Session op = sessions.open(new Caller("o", Role.OPERATOR, Instant.MAX), "t", "token");
        assertThat(op.may(Role.VIEWER)).isTrue();
        assertThat(op.may(Role.OPERATOR)).isTrue();
        assertThat(op.may(Role.ADMIN)).isFalse();
    }
}
