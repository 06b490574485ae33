package io.ulidmesh.resolution.domain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.f4b6a3.ulid.Ulid;
import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.ulid.Ulids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The registry's rules: registration with idempotency and collision detection, cached resolution
 * (a registration never changes, and misses are never cached, so a ULID registered after a miss
 * resolves at once), links and traces. Blocking: callers run it off the event loop, except
 * {@link #cached}, {@link #allCached} and {@link #generate}.
 */
public final class Registry {
    private static final Logger LOG = Logger.getLogger(Registry.class);

    private final ReferenceStore store;
    private final MonotonicUlidGenerator generator;
    private final Cache<Ulid, RegisteredReference> cache;
    private final RegistryListener listener;
    /** Systems, reference types and actors are few; cached entries share one copy of each. */
    private final TextPool texts = new TextPool(10_000);

    public Registry(ReferenceStore store, MonotonicUlidGenerator generator, long cacheSize, RegistryListener listener) {
        this.store = store;
        this.generator = generator;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
        this.listener = listener;
    }

    public Ulid[] generate(int count) {
        return generator.next(Limits.generateCount(count));
    }

    /** Registers one ULID; returns the new or (identical) existing reference. */
    public RegisteredReference register(RegisterCommand command) {
        Object result = registerChunk(List.of(command))[0];
        if (result instanceof DomainException e) {
            throw e;
        }
        RegisteredReference ref = result instanceof Created c ? c.reference : (RegisteredReference) result;
        LOG.debugf("registered %s for %s/%s %s", ref.ulid(), ref.system(), AuditText.escape(ref.referenceType()),
                AuditText.escape(ref.reference()));
        return ref;
    }

    /** Registers a chunk of a stream whose first item has index {@code firstIndex}; refused items do not stop the rest. */
    public BatchOutcome registerAll(List<RegisterCommand> commands, long firstIndex) {
        Object[] results = registerChunk(commands);
        long unchanged = 0;
        long registered = 0;
        List<BatchOutcome.ItemError> errors = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            if (results[i] instanceof DomainException e) {
                errors.add(new BatchOutcome.ItemError(firstIndex + i, commands.get(i).ulid(), e));
            } else if (results[i] instanceof Created) {
                registered++;
            } else {
                unchanged++;
            }
        }
        return new BatchOutcome(registered, unchanged, errors);
    }

    /** A reference registered by this call (as opposed to an identical one found in place). */
    private static final class Created {
        final RegisteredReference reference;

        Created(RegisteredReference reference) {
            this.reference = reference;
        }
    }

    /**
     * One result per command: {@link Created}, an existing identical {@link RegisteredReference}, or the
     * {@link DomainException} refusing it. Inserts in one statement, then tells unchanged from
     * collisions among the ULIDs that were already there.
     */
    private Object[] registerChunk(List<RegisterCommand> commands) {
        int n = commands.size();
        Object[] results = new Object[n];
        Registration[] regs = new Registration[n];
        for (int i = 0; i < n; i++) {
            try {
                regs[i] = Limits.validate(commands.get(i), generator::next);
            } catch (DomainException e) {
                results[i] = e;
            }
        }
        refuseMissingRelated(regs, results);

        Map<Ulid, Integer> first = new HashMap<>();
        List<Registration> toInsert = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (regs[i] != null && results[i] == null && first.putIfAbsent(regs[i].ulid(), i) == null) {
                toInsert.add(regs[i]);
            }
        }
        Map<Ulid, Instant> inserted = toInsert.isEmpty() ? Map.of() : store.insertAbsent(toInsert);
        List<Ulid> present = first.keySet().stream().filter(u -> !inserted.containsKey(u)).toList();
        Map<Ulid, RegisteredReference> existing = new HashMap<>();
        if (!present.isEmpty()) {
            for (RegisteredReference r : store.find(present)) {
                existing.put(r.ulid(), r);
            }
        }

        Map<String, List<Link>> linksByActor = new HashMap<>();
        long created = 0;
        long same = 0;
        long collisions = 0;
        long refused = 0;
        for (int i = 0; i < n; i++) {
            Registration reg = regs[i];
            if (results[i] != null) {
                refused++;
                continue;
            }
            Ulid ulid = reg.ulid();
            Instant at = inserted.get(ulid);
            int firstIndex = first.get(ulid);
            if (firstIndex == i && at != null) {
                results[i] = new Created(reg.recordedAt(at));
                created++;
            } else {
                // A repeat within the chunk compares with the item that registered it.
                RegisteredReference owner = at != null ? ((Created) results[firstIndex]).reference : existing.get(ulid);
                if (owner.sameContentAs(reg)) {
                    results[i] = owner;
                    same++;
                } else {
                    results[i] = collision(owner, reg);
                    collisions++;
                    continue;
                }
            }
            for (Ulid r : reg.related()) {
                linksByActor.computeIfAbsent(reg.actor(), a -> new ArrayList<>()).add(new Link(ulid, r, Limits.DEFAULT_RELATION));
            }
        }
        linksByActor.forEach((actor, links) -> store.insertLinks(links, actor));
        listener.registrations(created, same, collisions, refused);
        if (n > 1) {
            LOG.debugf("registration of %d item(s): %d registered, %d unchanged, %d collisions, %d refused",
                    n, created, same, collisions, refused);
        }
        return results;
    }

    private static DomainException collision(RegisteredReference owner, Registration reg) {
        // Types and references are free text (a legacy system's own ids): escaped, so none forges a log line.
        LOG.infof("collision on %s: held by %s/%s '%s', claimed for %s/%s '%s' by %s", owner.ulid(), owner.system(),
                AuditText.escape(owner.referenceType()), AuditText.escape(owner.reference()), reg.system(),
                AuditText.escape(reg.referenceType()), AuditText.escape(reg.reference()), AuditText.escape(reg.actor()));
        return DomainException.alreadyExists("ulid " + owner.ulid() + " is already registered to "
                + owner.system() + "/" + owner.referenceType() + " '" + owner.reference()
                + "'; it cannot also identify " + reg.system() + "/" + reg.referenceType() + " '"
                + reg.reference() + "'");
    }

    /**
     * Refuses (FAILED_PRECONDITION) each registration relating to a ULID that is neither registered
     * nor registered by another accepted item of the same chunk; repeats, since refusing one item
     * can leave another pointing at nothing.
     */
    private void refuseMissingRelated(Registration[] regs, Object[] results) {
        Set<Ulid> inChunk = new HashSet<>();
        Set<Ulid> outside = new HashSet<>();
        for (Registration reg : regs) {
            if (reg != null) {
                inChunk.add(reg.ulid());
            }
        }
        for (Registration reg : regs) {
            if (reg != null) {
                for (Ulid r : reg.related()) {
                    if (!inChunk.contains(r)) {
                        outside.add(r);
                    }
                }
            }
        }
        if (outside.isEmpty()) {
            return;
        }
        Set<Ulid> known = store.registered(outside);
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<Ulid> accepted = new HashSet<>();
            for (int i = 0; i < regs.length; i++) {
                if (regs[i] != null && results[i] == null) {
                    accepted.add(regs[i].ulid());
                }
            }
            for (int i = 0; i < regs.length; i++) {
                if (regs[i] == null || results[i] != null) {
                    continue;
                }
                for (Ulid r : regs[i].related()) {
                    if (!known.contains(r) && !accepted.contains(r)) {
                        results[i] = DomainException.failedPrecondition("related ulid " + r
                                + " is not registered; register it before relating " + regs[i].ulid() + " to it");
                        changed = true;
                        break;
                    }
                }
            }
        }
    }

    /** The cached reference of {@code ulid}, or null; never touches the database (event-loop safe). */
    public RegisteredReference cached(Ulid ulid) {
        RegisteredReference hit = cache.getIfPresent(ulid);
        if (hit != null) {
            listener.cacheLookups(1, 0);
        }
        return hit;
    }

    /** Resolves through the cache, then the database; NOT_FOUND when not registered. */
    public RegisteredReference resolve(Ulid ulid) {
        RegisteredReference ref = resolveAll(List.of(ulid)).get(ulid);
        if (ref == null) {
            throw DomainException.notFound("ulid " + ulid + " is not registered");
        }
        return ref;
    }

    /** The registered references among {@code ulids}; absent ones are simply not in the map. */
    public Map<Ulid, RegisteredReference> resolveAll(Collection<Ulid> ulids) {
        Map<Ulid, RegisteredReference> found = new HashMap<>(ulids.size() * 2);
        List<Ulid> misses = new ArrayList<>();
        for (Ulid u : ulids) {
            RegisteredReference hit = cache.getIfPresent(u);
            if (hit != null) {
                found.put(u, hit);
            } else {
                misses.add(u);
            }
        }
        listener.cacheLookups(found.size(), misses.size());
        if (!misses.isEmpty()) {
            for (RegisteredReference r : store.find(misses)) {
                cache.put(r.ulid(), texts.compact(r));
                found.put(r.ulid(), r);
            }
        }
        return found;
    }

    /**
     * Every one of {@code ulids} from the cache, counted as hits, or null (nothing counted) when any
     * is not cached; callers go to {@link #resolveAll} then. Never touches the database (event-loop safe).
     */
    public Map<Ulid, RegisteredReference> allCached(Collection<Ulid> ulids) {
        Map<Ulid, RegisteredReference> found = new HashMap<>(ulids.size() * 2);
        for (Ulid u : ulids) {
            RegisteredReference hit = cache.getIfPresent(u);
            if (hit == null) {
                return null;
            }
            found.put(u, hit);
        }
        listener.cacheLookups(ulids.size(), 0);
        return found;
    }

    /** Links two registered ULIDs; {@code actor} is recorded with the link and named in its log line. */
    public LinkOutcome link(String fromText, String toText, String relationText, String actor) {
        Ulid from = Ulids.parse("from_ulid", fromText);
        Ulid to = Ulids.parse("to_ulid", toText);
        String relation = relationText == null || relationText.isEmpty()
                ? Limits.DEFAULT_RELATION : Limits.name("relation", relationText);
        if (from.equals(to)) {
            throw DomainException.invalid("from_ulid and to_ulid are both " + from + "; a ULID cannot link to itself");
        }
        Set<Ulid> registered = store.registered(List.of(from, to));
        for (Ulid end : List.of(from, to)) {
            if (!registered.contains(end)) {
                throw DomainException.failedPrecondition((end.equals(from) ? "from_ulid " : "to_ulid ") + end
                        + " is not registered; register it before linking");
            }
        }
        Link link = new Link(from, to, relation);
        boolean created = !store.insertLinks(List.of(link), actor).isEmpty();
        if (created) {
            LOG.infof("linked %s -[%s]-> %s by %s", from, relation, to, AuditText.escape(actor));
        }
        return new LinkOutcome(link, created);
    }

    /** Breadth-first over links in both directions, one query per level, each ULID visited once (cycles end there). */
    public TraceResult trace(String ulidText, int maxDepth) {
        Ulid originUlid = Ulids.parse("ulid", ulidText);
        int depth = Limits.traceDepth(maxDepth);
        RegisteredReference origin = resolve(originUlid);
        Set<Ulid> visited = new HashSet<>();
        visited.add(originUlid);
        Set<Link> links = new LinkedHashSet<>();
        List<Ulid> frontier = List.of(originUlid);
        for (int level = 1; level <= depth && !frontier.isEmpty(); level++) {
            List<Ulid> next = new ArrayList<>();
            for (Link link : store.linksTouching(frontier)) {
                links.add(link);
                if (visited.add(link.from())) {
                    next.add(link.from());
                }
                if (visited.add(link.to())) {
                    next.add(link.to());
                }
            }
            if (visited.size() - 1 > Limits.MAX_TRACE_REFERENCES) {
                throw DomainException.failedPrecondition("the trace from " + originUlid + " reaches more than "
                        + Limits.MAX_TRACE_REFERENCES + " references within " + level + " hops; lower max_depth");
            }
            frontier = next;
        }
        visited.remove(originUlid);
        List<RegisteredReference> related = new ArrayList<>(resolveAll(visited).values());
        related.sort(Comparator.comparing(RegisteredReference::ulid));
        List<Link> linkList = new ArrayList<>(links);
        linkList.sort(Comparator.comparing(Link::from).thenComparing(Link::to).thenComparing(Link::relation));
        return new TraceResult(origin, related, linkList);
    }

    /** One page of Export; {@code system} null or empty for every system, {@code after} null for the start. */
    public List<RegisteredReference> page(String system, Ulid after, int limit) {
        List<RegisteredReference> page = store.page(system, after, limit);
        listener.exported(page.size());
        return page;
    }

    /** Exact counts, read from the database; the listener learns the registry's size. */
    public Stats stats() {
        Stats stats = store.stats();
        listener.counted(stats.references());
        return stats;
    }
}
