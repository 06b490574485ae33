package io.ulidmesh.resolution.domain;

import com.github.f4b6a3.ulid.Ulid;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Durable state of the registry. Each method is one transaction. */
public interface ReferenceStore {

    /** Inserts the registrations whose ULID is not registered yet; returns those inserted with their registration time. */
    Map<Ulid, Instant> insertAbsent(List<Registration> registrations);

    /** The registered references among {@code ulids}, in no particular order. */
    List<RegisteredReference> find(Collection<Ulid> ulids);

    /** Which of {@code ulids} are registered. */
    Set<Ulid> registered(Collection<Ulid> ulids);

    /** Inserts the links that do not exist yet, made by {@code actor}; returns those inserted. */
    List<Link> insertLinks(Collection<Link> links, String actor);

    /** Every link starting or ending at one of {@code ulids}. */
    List<Link> linksTouching(Collection<Ulid> ulids);

    /** Up to {@code limit} references after {@code after} (null: from the start) in ULID order, of one system or all (null). */
    List<RegisteredReference> page(String system, Ulid after, int limit);

    Stats stats();
}
