package io.ulidmesh.resolution.domain;

import com.github.f4b6a3.ulid.Ulid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The registry's storage port in memory, counting the lookups that would be database round trips. */
final class InMemoryReferenceStore implements ReferenceStore {
    private final Map<Link, String> linkedBy = new HashMap<>();
    final TreeMap<Ulid, RegisteredReference> references = new TreeMap<>();
    final Set<Link> links = new LinkedHashSet<>();
    /** ULIDs asked for by {@link #find}, in call order. */
    final List<Ulid> found = new ArrayList<>();
    private Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Map<Ulid, Instant> insertAbsent(List<Registration> registrations) {
        clock = clock.plusSeconds(1);
        Map<Ulid, Instant> inserted = new HashMap<>();
        for (Registration r : registrations) {
            if (!references.containsKey(r.ulid())) {
                references.put(r.ulid(), r.recordedAt(clock));
                inserted.put(r.ulid(), clock);
            }
        }
        return inserted;
    }

    @Override
    public List<RegisteredReference> find(Collection<Ulid> ulids) {
        found.addAll(ulids);
        List<RegisteredReference> out = new ArrayList<>();
        for (Ulid u : new LinkedHashSet<>(ulids)) {
            RegisteredReference r = references.get(u);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public Set<Ulid> registered(Collection<Ulid> ulids) {
        Set<Ulid> out = new HashSet<>(ulids);
        out.retainAll(references.keySet());
        return out;
    }

    @Override
    public List<Link> insertLinks(Collection<Link> candidates, String actor) {
        List<Link> inserted = new ArrayList<>();
        for (Link link : candidates) {
            if (links.add(link)) {
                inserted.add(link);
                linkedBy.put(link, actor);
            }
        }
        return inserted;
    }

    /** Who made {@code link}. */
    String linkedBy(Link link) {
        return linkedBy.get(link);
    }

    @Override
    public List<Link> linksTouching(Collection<Ulid> ulids) {
        return links.stream().filter(l -> ulids.contains(l.from()) || ulids.contains(l.to())).toList();
    }

    @Override
    public List<RegisteredReference> page(String system, Ulid after, int limit) {
        return (after == null ? references : references.tailMap(after, false)).values().stream()
                .filter(r -> system == null || system.equals(r.system())).limit(limit).toList();
    }

    @Override
    public Stats stats() {
        Map<String, Long> bySystem = new LinkedHashMap<>();
        references.values().stream().map(RegisteredReference::system).sorted()
                .forEach(s -> bySystem.merge(s, 1L, Long::sum));
        return new Stats(references.size(), links.size(), bySystem);
    }
}
