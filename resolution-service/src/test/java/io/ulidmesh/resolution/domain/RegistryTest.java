package io.ulidmesh.resolution.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.f4b6a3.ulid.Ulid;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The registry's rules over an in-memory store: no Quarkus, no database. */
class RegistryTest {
    private final InMemoryReferenceStore store = new InMemoryReferenceStore();
    private final Counts counts = new Counts();
    private final Registry registry = new Registry(store, new MonotonicUlidGenerator(Clock.systemUTC()), 100, counts);

    /** What the registry reported to its listener. */
    static final class Counts implements RegistryListener {
        long registered;
        long unchanged;
        long collisions;
        long refused;
        long hits;
        long misses;
        long references = -1;
        long exported;

        @Override
        public void registrations(long registered, long unchanged, long collisions, long refused) {
            this.registered += registered;
            this.unchanged += unchanged;
            this.collisions += collisions;
            this.refused += refused;
        }

        @Override
        public void cacheLookups(long hits, long misses) {
            this.hits += hits;
            this.misses += misses;
        }

        @Override
        public void counted(long references) {
            this.references = references;
        }

        @Override
        public void exported(int references) {
            exported += references;
        }
    }

    private static RegisterCommand command(String ulid, String system, String reference, String... related) {
        return new RegisterCommand(ulid, system, "job", reference, Map.of(), List.of(related), "alice");
    }

    private String newUlid() {
        return registry.generate(1)[0].toString();
    }

    private RegisteredReference register(String ulid, String system, String reference, String... related) {
        return registry.register(command(ulid, system, reference, related));
    }

    /** Asserts {@code call} is refused with {@code kind} and a message holding every part. */
    private static void refused(ErrorKind kind, ThrowingCallable call, String... parts) {
        DomainException e = catchThrowableOfType(DomainException.class, call);
        assertThat(e).as("expected a refusal of kind %s", kind).isNotNull();
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
        for (String part : parts) {
            assertThat(e.getMessage()).contains(part);
        }
    }

    @Test
    void generateHandsOutOneToTenThousandIncreasingUlids() {
        Ulid[] ulids = registry.generate(10_000);
        assertThat(ulids).hasSize(10_000).isSorted().doesNotHaveDuplicates();
        assertThat(registry.generate(1)[0]).isGreaterThan(ulids[9_999]);
        refused(ErrorKind.INVALID_ARGUMENT, () -> registry.generate(0), "count 0", "1..10000");
        refused(ErrorKind.INVALID_ARGUMENT, () -> registry.generate(10_001), "count 10001");
    }

    @Test
    void registerRecordsTheReferenceWithItsActorAndCountsIt() {
        String ulid = newUlid();
        RegisteredReference r = registry.register(new RegisterCommand(ulid.toLowerCase(), "billing", "invoice",
                "inv/7", Map.of("queue", "default"), List.of(), "alice"));
        assertThat(r.ulid().toString()).isEqualTo(ulid);
        assertThat(r.system()).isEqualTo("billing");
        assertThat(r.referenceType()).isEqualTo("invoice");
        assertThat(r.metadata()).containsExactly(Map.entry("queue", "default"));
        assertThat(r.registeredBy()).isEqualTo("alice");
        assertThat(r.registeredAt()).isNotNull();
        assertThat(store.references).containsEntry(r.ulid(), r);
        assertThat(counts.registered).isEqualTo(1);
    }

    @Test
    void registeringTheSameContentAgainReturnsTheFirstRegistrationUnchanged() {
        String ulid = newUlid();
        RegisteredReference first = register(ulid, "billing", "inv/1");
        RegisteredReference again = register(ulid, "billing", "inv/1");
        assertThat(again).isEqualTo(first);
        assertThat(again.registeredAt()).isEqualTo(first.registeredAt());
        assertThat(counts.registered).isEqualTo(1);
        assertThat(counts.unchanged).isEqualTo(1);
        assertThat(counts.collisions).isZero();
    }

    @Test
    void otherContentForARegisteredUlidIsACollisionNamingBothClaims() {
        String ulid = newUlid();
        register(ulid, "billing", "inv/1");
        refused(ErrorKind.ALREADY_EXISTS, () -> register(ulid, "billing", "inv/2"),
                "ulid " + ulid, "billing/job 'inv/1'", "billing/job 'inv/2'");
        refused(ErrorKind.ALREADY_EXISTS, () -> register(ulid, "shipping", "inv/1"), "shipping/job 'inv/1'");
        refused(ErrorKind.ALREADY_EXISTS, () -> registry.register(new RegisterCommand(ulid, "billing", "job", "inv/1",
                Map.of("k", "v"), List.of(), "bob")));
        assertThat(counts.collisions).isEqualTo(3);
        assertThat(store.references.get(Ulid.from(ulid)).reference()).isEqualTo("inv/1");
    }

    @Test
    void anEmptyUlidIsGenerated() {
        RegisteredReference r = register("", "billing", "inv/9");
        assertThat(r.ulid().toString()).hasSize(26);
        assertThat(store.references).containsKey(r.ulid());
    }

    @Test
    void invalidRegistrationsNameTheFieldAndStoreNothing() {
        String ulid = newUlid();
        refused(ErrorKind.INVALID_ARGUMENT, () -> register("01ARZ3NDEKTSV4RRFFQ69G5FA", "billing", "r"),
                "25 characters long");
        refused(ErrorKind.INVALID_ARGUMENT, () -> register(ulid, "Billing", "r"),
                "system 'Billing' must match [a-z][a-z0-9_-]{0,62}");
        refused(ErrorKind.INVALID_ARGUMENT, () -> register(ulid, "billing", " "), "reference is required");
        refused(ErrorKind.INVALID_ARGUMENT, () -> register(ulid, "billing", "r".repeat(1025)),
                "is 1025 characters long; at most 1024");
        refused(ErrorKind.INVALID_ARGUMENT, () -> register(ulid, "billing", "a\u0000b"),
                "reference has a NUL character (U+0000) at position 1");
        refused(ErrorKind.INVALID_ARGUMENT, () -> register(ulid, "billing", "r", "nope"), "related_ulids[0]");
        refused(ErrorKind.INVALID_ARGUMENT, () -> register(ulid, "billing", "r", ulid), "cannot relate to itself");
        refused(ErrorKind.INVALID_ARGUMENT, () -> registry.register(new RegisterCommand(ulid, "billing", "job", "r",
                Map.of("big", "x".repeat(4097)), List.of(), "alice")), "metadata value of 'big' is 4097 bytes");
        assertThat(store.references).isEmpty();
        assertThat(counts.refused).isEqualTo(8);
    }

    @Test
    void relatedUlidsMustBeRegisteredAndBecomeLinksFromTheNewUlid() {
        String parent = newUlid();
        String child = newUlid();
        String missing = newUlid();
        refused(ErrorKind.FAILED_PRECONDITION, () -> register(child, "billing", "c", missing),
                "related ulid " + missing + " is not registered");
        assertThat(store.references).isEmpty();
        register(parent, "billing", "p");
        register(child, "billing", "c", parent);
        assertThat(store.links).containsExactly(new Link(Ulid.from(child), Ulid.from(parent), "related"));
    }

    @Test
    void aChunkReportsEachRefusedItemByItsStreamIndexAndKeepsTheGoodOnes() {
        String[] u = new String[6];
        for (int i = 0; i < u.length; i++) {
            u[i] = newUlid();
        }
        register(u[5], "billing", "taken");
        String unregistered = newUlid();
        BatchOutcome outcome = registry.registerAll(List.of(
                command(u[0], "billing", "r0"),                  // 100 registered
                command("bad", "billing", "r1"),                 // 101 malformed
                command(u[1], "billing", "r2", u[0]),            // 102 registered, related to an item before it
                command(u[5], "billing", "taken"),               // 103 unchanged
                command(u[5], "billing", "stolen"),              // 104 collision
                command(u[2], "billing", "r5", unregistered),    // 105 related to nothing
                command(u[3], "billing", "r6", u[2]),            // 106 related to the refused 105
                command(u[0], "billing", "r0"),                  // 107 repeat in the chunk: unchanged
                command(u[0], "billing", "other")), 100);        // 108 repeat with other content: collision

        assertThat(outcome.registered()).isEqualTo(2);
        assertThat(outcome.unchanged()).isEqualTo(2);
        assertThat(outcome.errors()).extracting(BatchOutcome.ItemError::index)
                .containsExactly(101L, 104L, 105L, 106L, 108L);
        assertThat(outcome.errors()).extracting(e -> e.error().kind()).containsExactly(ErrorKind.INVALID_ARGUMENT,
                ErrorKind.ALREADY_EXISTS, ErrorKind.FAILED_PRECONDITION, ErrorKind.FAILED_PRECONDITION,
                ErrorKind.ALREADY_EXISTS);
        assertThat(outcome.errors().get(0).ulid()).isEqualTo("bad");
        assertThat(outcome.errors().get(2).error().getMessage()).contains(unregistered);
        assertThat(outcome.errors().get(3).error().getMessage()).contains(u[2]);
        assertThat(outcome.errors().get(4).error().getMessage()).contains("'r0'", "'other'");
        assertThat(store.references).containsOnlyKeys(Ulid.from(u[0]), Ulid.from(u[1]), Ulid.from(u[5]));
        assertThat(store.links).containsExactly(new Link(Ulid.from(u[1]), Ulid.from(u[0]), "related"));
    }

    @Test
    void resolveReadsTheStoreOnceThenAnswersFromTheCache() {
        RegisteredReference r = register(newUlid(), "billing", "inv/1");
        assertThat(registry.cached(r.ulid())).isNull();
        assertThat(registry.resolve(r.ulid())).isEqualTo(r);
        assertThat(registry.cached(r.ulid())).isEqualTo(r);
        assertThat(registry.resolve(r.ulid())).isEqualTo(r);
        assertThat(store.found).containsExactly(r.ulid());
        assertThat(counts.misses).isEqualTo(1);
        assertThat(counts.hits).isEqualTo(2);
    }

    @Test
    void missesAreNotCachedSoALaterRegistrationResolvesAtOnce() {
        String ulid = newUlid();
        refused(ErrorKind.NOT_FOUND, () -> registry.resolve(Ulid.from(ulid)), "ulid " + ulid + " is not registered");
        RegisteredReference r = register(ulid, "billing", "late");
        assertThat(registry.resolve(r.ulid())).isEqualTo(r);
    }

    @Test
    void allCachedAnswersOnlyWhenEveryUlidIsCached() {
        RegisteredReference a = register(newUlid(), "billing", "a");
        RegisteredReference b = register(newUlid(), "billing", "b");
        Ulid absent = Ulid.from(newUlid());
        registry.resolve(a.ulid());
        long hitsBefore = counts.hits;
        assertThat(registry.allCached(List.of(a.ulid(), b.ulid()))).isNull();
        assertThat(counts.hits).as("a partial answer counts nothing").isEqualTo(hitsBefore);

        Map<Ulid, RegisteredReference> found = registry.resolveAll(List.of(a.ulid(), b.ulid(), absent));
        assertThat(found).containsOnlyKeys(a.ulid(), b.ulid());
        assertThat(registry.allCached(List.of(b.ulid(), a.ulid()))).containsEntry(a.ulid(), a).containsEntry(b.ulid(), b);
        assertThat(registry.allCached(List.of(a.ulid(), absent))).isNull();
        assertThat(counts.hits).isEqualTo(hitsBefore + 1 + 2);
    }

    @Test
    void linkIsIdempotentAndNeedsTwoRegisteredEnds() {
        Ulid a = register(newUlid(), "billing", "a").ulid();
        Ulid b = register(newUlid(), "billing", "b").ulid();
        String missing = newUlid();
        LinkOutcome created = registry.link(a.toString(), b.toString(), "derived_from", "alice");
        assertThat(created.created()).isTrue();
        assertThat(created.link()).isEqualTo(new Link(a, b, "derived_from"));
        assertThat(store.linkedBy(created.link())).as("every change records its actor").isEqualTo("alice");
        assertThat(registry.link(a.toString(), b.toString(), "derived_from", "alice").created()).isFalse();
        assertThat(registry.link(a.toString(), b.toString(), "", "alice").link().relation()).isEqualTo("related");

        refused(ErrorKind.FAILED_PRECONDITION, () -> registry.link(missing, b.toString(), "", "alice"), "from_ulid " + missing);
        refused(ErrorKind.FAILED_PRECONDITION, () -> registry.link(a.toString(), missing, "", "alice"), "to_ulid " + missing);
        refused(ErrorKind.INVALID_ARGUMENT, () -> registry.link(a.toString(), a.toString(), "", "alice"), "itself");
        refused(ErrorKind.INVALID_ARGUMENT, () -> registry.link(a.toString(), b.toString(), "Derived", "alice"), "relation");
        refused(ErrorKind.INVALID_ARGUMENT, () -> registry.link("x", b.toString(), "", "alice"), "from_ulid");
        assertThat(store.links).hasSize(2);
    }

    /** A chain n0 → n1 ← n2 → n3 ← n4 → n5, registered out of order. */
    @Test
    void traceFollowsLinksBothWaysUpToTheDepthAndAnswersInUlidOrder() {
        List<Ulid> n = new ArrayList<>(List.of(registry.generate(6)));
        List<Ulid> shuffled = new ArrayList<>(n);
        Collections.reverse(shuffled);
        for (Ulid u : shuffled) {
            register(u.toString(), "billing", "node");
        }
        link(n.get(0), n.get(1));
        link(n.get(2), n.get(1));
        link(n.get(2), n.get(3));
        link(n.get(4), n.get(3));
        link(n.get(4), n.get(5));

        assertThat(related(registry.trace(n.get(0).toString(), 1))).containsExactly(n.get(1));
        TraceResult byDefault = registry.trace(n.get(0).toString(), 0);
        assertThat(byDefault.origin().ulid()).isEqualTo(n.get(0));
        assertThat(related(byDefault)).containsExactly(n.get(1), n.get(2), n.get(3));
        assertThat(byDefault.links()).extracting(Link::from).isSorted();
        assertThat(related(registry.trace(n.get(3).toString(), 1))).containsExactly(n.get(2), n.get(4));
        assertThat(related(registry.trace(n.get(5).toString(), 10))).containsExactlyElementsOf(n.subList(0, 5));
    }

    @Test
    void traceEndsOnCyclesWithEachLinkOnce() {
        List<Ulid> n = List.of(registry.generate(3));
        for (Ulid u : n) {
            register(u.toString(), "billing", "c");
        }
        link(n.get(0), n.get(1));
        link(n.get(1), n.get(2));
        link(n.get(2), n.get(0));
        TraceResult t = registry.trace(n.get(1).toString(), 10);
        assertThat(related(t)).containsExactly(n.get(0), n.get(2));
        assertThat(t.links()).containsExactly(new Link(n.get(0), n.get(1), "related"),
                new Link(n.get(1), n.get(2), "related"), new Link(n.get(2), n.get(0), "related"));
    }

    @Test
    void traceRefusesBadDepthsUnknownOriginsAndTooManyReferences() {
        Ulid hub = register(newUlid(), "billing", "hub").ulid();
        refused(ErrorKind.INVALID_ARGUMENT, () -> registry.trace(hub.toString(), 11), "max_depth 11", "1..10");
        refused(ErrorKind.INVALID_ARGUMENT, () -> registry.trace(hub.toString(), -1), "max_depth -1");
        String unknown = newUlid();
        refused(ErrorKind.NOT_FOUND, () -> registry.trace(unknown, 1), unknown);

        List<RegisterCommand> spokes = new ArrayList<>();
        for (Ulid spoke : registry.generate(Limits.MAX_TRACE_REFERENCES)) {
            spokes.add(command(spoke.toString(), "billing", "spoke", hub.toString()));
        }
        spokes.add(command(newUlid(), "billing", "one too many", hub.toString()));
        assertThat(registry.registerAll(spokes, 0).errors()).isEmpty();
        refused(ErrorKind.FAILED_PRECONDITION, () -> registry.trace(hub.toString(), 1),
                "more than 10000 references within 1 hops");
    }

    @Test
    void pagesAndStatsAreReportedToTheListener() {
        for (Ulid u : registry.generate(3)) {
            register(u.toString(), "billing", "r");
        }
        register(newUlid(), "shipping", "s");
        List<RegisteredReference> page = registry.page("billing", null, 2);
        assertThat(page).hasSize(2);
        assertThat(registry.page("billing", page.get(1).ulid(), 2)).hasSize(1);
        assertThat(counts.exported).isEqualTo(3);

        Stats stats = registry.stats();
        assertThat(stats.references()).isEqualTo(4);
        assertThat(stats.referencesBySystem()).containsExactly(Map.entry("billing", 3L), Map.entry("shipping", 1L));
        assertThat(counts.references).isEqualTo(4);
    }

    private void link(Ulid from, Ulid to) {
        registry.link(from.toString(), to.toString(), "", "alice");
    }

    private static List<Ulid> related(TraceResult t) {
        return t.related().stream().map(RegisteredReference::ulid).toList();
    }
}
