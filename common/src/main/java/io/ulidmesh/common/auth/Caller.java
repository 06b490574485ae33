package io.ulidmesh.common.auth;

import java.time.Instant;

/** Who a verified token says the caller is, and until when the token holds. */
public record Caller(String subject, Role role, Instant expiresAt) {
}
