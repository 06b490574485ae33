package io.ulidmesh.resolution.domain;

import com.github.f4b6a3.ulid.Ulid;
import java.time.Instant;
import java.util.Map;

/**
 * A registered ULID and the thing in one system it identifies, and who registered it. Never changes
 * once registered.
 */
public record RegisteredReference(Ulid ulid, String system, String referenceType, String reference,
                                  Map<String, String> metadata, Instant registeredAt, String registeredBy) {

    public RegisteredReference {
        metadata = Map.copyOf(metadata);
    }

    /** Same owner, type, reference and metadata: registering it again is a no-op, not a collision. */
    public boolean sameContentAs(Registration other) {
        return system.equals(other.system()) && referenceType.equals(other.referenceType())
                && reference.equals(other.reference()) && metadata.equals(other.metadata());
    }
}
