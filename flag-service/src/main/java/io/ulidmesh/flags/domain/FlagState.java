package io.ulidmesh.flags.domain;

import java.time.Instant;

/** A flag as stored: its rollout state and who changed it last, why and when. */
public record FlagState(String name, String description, int basisPoints, String cohort, long version,
                        Instant updatedAt, String updatedBy, String reason) {
}
