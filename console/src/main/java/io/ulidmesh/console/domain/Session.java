package io.ulidmesh.console.domain;

import io.ulidmesh.common.auth.Role;
import java.time.Instant;

/**
 * One signed-in browser: the bearer token the console forwards to the services on its user's
 * behalf, who that is and their role, the CSRF token every action must carry, and when it ends.
 */
public record Session(String id, String token, String subject, Role role, String csrf, Instant expiresAt, String via) {
    /** Whether the role may do what {@code needed} may. The services check again. */
    public boolean may(Role needed) {
        return role.includes(needed);
    }
}
