package io.ulidmesh.resolution.domain;

import com.github.f4b6a3.ulid.Ulid;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A validated request of {@code actor} to register {@code ulid}; {@code related} become links from it. */
public record Registration(Ulid ulid, String system, String referenceType, String reference,
                           Map<String, String> metadata, List<Ulid> related, String actor) {

    /** The reference this registration creates, stamped with the time the registry recorded it. */
    public RegisteredReference recordedAt(Instant registeredAt) {
        return new RegisteredReference(ulid, system, referenceType, reference, metadata, registeredAt, actor);
    }
}
