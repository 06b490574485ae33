package io.ulidmesh.resolution.api;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status.Code;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.proto.resolution.v1.BatchResolveRequest;
import io.ulidmesh.proto.resolution.v1.BatchResolveResponse;
import io.ulidmesh.proto.resolution.v1.EchoRequest;
import io.ulidmesh.proto.resolution.v1.Edge;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.GetStatsRequest;
import io.ulidmesh.proto.resolution.v1.GetStatsResponse;
import io.ulidmesh.proto.resolution.v1.LinkRequest;
import io.ulidmesh.proto.resolution.v1.LinkResponse;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.proto.resolution.v1.TraceRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.resolution.v1.TraceResponse;
import io.ulidmesh.testsupport.TestChannels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ResolutionServiceTest extends ResolutionTestBase {

    @Test
    void everyRegistrationRecordsItsActor() {
        String system = uniqueSystem("actor");
        String[] ulids = generate(3).toArray(String[]::new);
        Reference byAlice = ResolutionServiceGrpc.newBlockingStub(TestChannels.as(channel, "alice"))
                .register(item(ulids[0], system, "a"));
        assertThat(byAlice.getRegisteredBy()).isEqualTo("alice");
        // The actor is the token's sub; a caller cannot name another in x-ulidmesh-actor.
        Reference spoofed = ResolutionServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(Actor.header("rollout-controller")))
                .register(item(ulids[1], system, "b"));
        assertThat(spoofed.getRegisteredBy()).isEqualTo("test-admin");
        registerStream(ResolutionServiceGrpc.newStub(TestChannels.as(channel, "bulk-loader")),
                List.of(item(ulids[2], system, "c")));

        assertThat(resolve(ulids[0]).getRegisteredBy()).isEqualTo("alice");
        assertThat(resolve(ulids[1]).getRegisteredBy()).isEqualTo("test-admin");
        assertThat(resolve(ulids[2]).getRegisteredBy()).isEqualTo("bulk-loader");
    }

    private Reference resolve(String ulid) {
        return stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build());
    }

    @Test
    void generateReturnsStrictlyIncreasingUlidsWithinAndAcrossCallsFromManyThreads() throws Exception {
        assertThat(generate(1)).hasSize(1);
        List<String> max = generate(10_000);
        assertThat(max).hasSize(10_000);
        assertIncreasing(max);

        ConcurrentLinkedQueue<List<String>> calls = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 200; i++) {
            pool.submit(() -> calls.add(generate(500)));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        List<String> all = new ArrayList<>(max);
        for (List<String> call : calls) {
            assertIncreasing(call);
            assertThat(call.get(0)).isGreaterThan(max.get(max.size() - 1));
            all.addAll(call);
        }
        assertThat(all).hasSize(10_000 + 200 * 500).doesNotHaveDuplicates();

        List<String> before = generate(3);
        List<String> after = generate(3);
        assertThat(after.get(0)).isGreaterThan(before.get(2));
    }

    @Test
    void generateRefusesCountsOutsideOneToTenThousand() {
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.generate(GenerateRequest.newBuilder().build()), "count 0");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.generate(GenerateRequest.newBuilder().setCount(10_001).build()),
                "10001");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.generate(GenerateRequest.newBuilder().setCount(-5).build()));
    }

    @Test
    void registerStoresAndResolveAnswersInUpperCaseWhateverTheInputCase() {
        String system = uniqueSystem("crackerjack");
        String ulid = generate(1).get(0);
        Reference registered = stub.register(RegisterRequest.newBuilder().setUlid(ulid.toLowerCase(Locale.ROOT))
                .setSystem(system).setReferenceType("job").setReference("jobs/42")
                .putMetadata("queue", "default").putMetadata("owner", "team-a").build());
        assertThat(registered.getUlid()).isEqualTo(ulid);
        assertThat(registered.getSystem()).isEqualTo(system);
        assertThat(registered.getMetadataMap()).containsEntry("queue", "default").hasSize(2);
        assertThat(registered.getUlidTime().getSeconds()).isPositive();
        assertThat(registered.getRegisteredAt().getSeconds()).isPositive();

        Reference resolved = stub.resolve(ResolveRequest.newBuilder().setUlid(ulid.toLowerCase(Locale.ROOT)).build());
        assertThat(resolved).isEqualTo(registered);
        // A second resolve comes from the cache and is identical.
        assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build())).isEqualTo(registered);
    }

    @Test
    void registerWithoutUlidGeneratesOne() {
        Reference r = register("", uniqueSystem("dhruva"), "workflow/7");
        assertThat(r.getUlid()).hasSize(26).isUpperCase();
        assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(r.getUlid()).build())).isEqualTo(r);
    }

    @Test
    void registerIsIdempotentForIdenticalContentAndAlreadyExistsOtherwise() {
        String system = uniqueSystem("oneiric");
        String ulid = generate(1).get(0);
        Reference first = register(ulid, system, "ref-1");
        Reference again = register(ulid.toLowerCase(Locale.ROOT), system, "ref-1");
        assertThat(again).isEqualTo(first); // the existing row, same registered_at

        assertStatus(Code.ALREADY_EXISTS, () -> register(ulid, system, "ref-2"), ulid, "ref-1", "ref-2");
        assertStatus(Code.ALREADY_EXISTS, () -> register(ulid, uniqueSystem("akosha"), "ref-1"));
        assertStatus(Code.ALREADY_EXISTS, () -> stub.register(item(ulid, system, "ref-1").toBuilder()
                .setReferenceType("workflow").build()));
        assertStatus(Code.ALREADY_EXISTS, () -> stub.register(item(ulid, system, "ref-1").toBuilder()
                .putMetadata("k", "v").build()));
        assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build())).isEqualTo(first);
    }

    @Test
    void registerNamesEachInvalidArgument() {
        String system = uniqueSystem("mahavishnu");
        String ulid = generate(1).get(0);
        assertStatus(Code.INVALID_ARGUMENT, () -> register("01ARZ3NDEKTSV4RRFFQ69G5FA", system, "r"),
                "25 characters long");
        assertStatus(Code.INVALID_ARGUMENT, () -> register("01ARZ3NDEKTSV4RRFFQ69G5FAU", system, "r"),
                "'U' at position 26");
        assertStatus(Code.INVALID_ARGUMENT, () -> register("81ARZ3NDEKTSV4RRFFQ69G5FAV", system, "r"),
                "first character");
        assertStatus(Code.INVALID_ARGUMENT, () -> register(ulid, "Bad System", "r"), "system 'Bad System'");
        assertStatus(Code.INVALID_ARGUMENT, () -> register(ulid, "a".repeat(64), "r"), "system");
        assertStatus(Code.INVALID_ARGUMENT, () -> register(ulid, system, ""), "reference is required");
        assertStatus(Code.INVALID_ARGUMENT, () -> register(ulid, system, "r".repeat(1025)), "1025 characters");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.register(item(ulid, system, "r").toBuilder()
                .setReferenceType("").build()));
        RegisterRequest.Builder many = item(ulid, system, "r").toBuilder();
        for (int i = 0; i < 65; i++) {
            many.putMetadata("k" + i, "v");
        }
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.register(many.build()), "65 entries");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.register(item(ulid, system, "r").toBuilder()
                .putMetadata("k".repeat(129), "v").build()), "129 characters");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.register(item(ulid, system, "r").toBuilder()
                .putMetadata("big", "x".repeat(4097)).build()), "4097 bytes");
        assertStatus(Code.INVALID_ARGUMENT, () -> register(ulid, system, "nul\u0000inside"),
                "reference has a NUL character", "position 3");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.register(item(ulid, system, "r").toBuilder()
                .putMetadata("k", "\u0000").build()), "metadata value of 'k'");
        // Exactly at the limits is fine.
        RegisterRequest.Builder atLimits = item(ulid, system, "r").toBuilder().putMetadata("k".repeat(128), "x".repeat(4096));
        for (int i = 0; i < 63; i++) {
            atLimits.putMetadata("k" + i, "v");
        }
        assertThat(stub.register(atLimits.build()).getMetadataCount()).isEqualTo(64);
        assertStatus(Code.INVALID_ARGUMENT, () -> register(generate(1).get(0), system, "r", "not-a-ulid"),
                "related_ulids[0]");
    }

    @Test
    void relatedUlidsMustBeRegisteredAndBecomeLinks() {
        String system = uniqueSystem("session-buddy");
        List<String> ulids = generate(3);
        String missing = generate(1).get(0);
        Reference parent = register(ulids.get(0), system, "parent");
        assertStatus(Code.FAILED_PRECONDITION, () -> register(ulids.get(1), system, "child", missing), missing);
        assertStatus(Code.NOT_FOUND, () -> stub.resolve(ResolveRequest.newBuilder().setUlid(ulids.get(1)).build()));
        assertStatus(Code.INVALID_ARGUMENT, () -> register(ulids.get(1), system, "child", ulids.get(1)), "itself");

        register(ulids.get(1), system, "child", parent.getUlid());
        TraceResponse trace = stub.trace(TraceRequest.newBuilder().setUlid(parent.getUlid()).build());
        assertThat(trace.getEdgesList()).containsExactly(Edge.newBuilder().setFromUlid(ulids.get(1))
                .setToUlid(ulids.get(0)).setRelation("related").build());
    }

    @Test
    void resolveMissesAreNotCachedSoALaterRegistrationResolvesAtOnce() {
        String ulid = generate(1).get(0);
        assertStatus(Code.NOT_FOUND, () -> stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build()), ulid);
        Reference r = register(ulid, uniqueSystem("dhruva"), "late");
        assertThat(stub.resolve(ResolveRequest.newBuilder().setUlid(ulid).build())).isEqualTo(r);
    }

    @Test
    void resolveRefusesMalformedUlids() {
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.resolve(ResolveRequest.newBuilder().build()), "required");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> stub.resolve(ResolveRequest.newBuilder().setUlid("01ARZ3NDEKTSV4RRFFQ69G5FA!").build()),
                "position 26");
    }

    @Test
    void batchResolveAnswersInRequestOrderWithMissingOnesListed() {
        String system = uniqueSystem("akosha");
        List<String> ulids = generate(4);
        Reference a = register(ulids.get(0), system, "a");
        Reference c = register(ulids.get(2), system, "c");
        stub.resolve(ResolveRequest.newBuilder().setUlid(ulids.get(0)).build()); // one cached, one not
        BatchResolveResponse response = stub.batchResolve(BatchResolveRequest.newBuilder()
                .addUlids(ulids.get(2).toLowerCase(Locale.ROOT)).addUlids(ulids.get(1)).addUlids(ulids.get(0))
                .addUlids(ulids.get(3).toLowerCase(Locale.ROOT)).build());
        assertThat(response.getReferencesList()).containsExactly(c, a);
        assertThat(response.getMissingList()).containsExactly(ulids.get(1), ulids.get(3));
        // Now both are cached: the answer is the same.
        assertThat(stub.batchResolve(BatchResolveRequest.newBuilder().addUlids(ulids.get(0)).addUlids(ulids.get(2))
                .build()).getReferencesList()).containsExactly(a, c);
        assertThat(stub.batchResolve(BatchResolveRequest.newBuilder().build()).getReferencesCount()).isZero();
    }

    @Test
    void batchResolveRefusesMalformedUlidsAndMoreThanTenThousand() {
        String good = generate(1).get(0);
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.batchResolve(BatchResolveRequest.newBuilder()
                .addUlids(good).addUlids("nope").build()), "ulids[1]");
        List<String> tooMany = Collections.nCopies(10_001, good);
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.batchResolve(BatchResolveRequest.newBuilder()
                .addAllUlids(tooMany).build()), "10001");
        assertThat(stub.batchResolve(BatchResolveRequest.newBuilder().addAllUlids(Collections.nCopies(10_000, good))
                .build()).getMissingCount()).isEqualTo(10_000);
    }

    @Test
    void linkIsIdempotentAndNeedsBothEndsRegistered() {
        String system = uniqueSystem("oneiric");
        List<String> ulids = generate(3);
        register(ulids.get(0), system, "a");
        register(ulids.get(1), system, "b");
        LinkResponse first = stub.link(LinkRequest.newBuilder().setFromUlid(ulids.get(0).toLowerCase(Locale.ROOT))
                .setToUlid(ulids.get(1)).setRelation("derived_from").build());
        assertThat(first.getCreated()).isTrue();
        assertThat(first.getEdge()).isEqualTo(Edge.newBuilder().setFromUlid(ulids.get(0)).setToUlid(ulids.get(1))
                .setRelation("derived_from").build());
        assertThat(stub.link(LinkRequest.newBuilder().setFromUlid(ulids.get(0)).setToUlid(ulids.get(1))
                .setRelation("derived_from").build()).getCreated()).isFalse();
        LinkResponse defaulted = stub.link(LinkRequest.newBuilder().setFromUlid(ulids.get(0)).setToUlid(ulids.get(1))
                .build());
        assertThat(defaulted.getCreated()).isTrue();
        assertThat(defaulted.getEdge().getRelation()).isEqualTo("related");

        assertStatus(Code.FAILED_PRECONDITION, () -> stub.link(LinkRequest.newBuilder()
                .setFromUlid(ulids.get(2)).setToUlid(ulids.get(1)).build()), "from_ulid " + ulids.get(2));
        assertStatus(Code.FAILED_PRECONDITION, () -> stub.link(LinkRequest.newBuilder()
                .setFromUlid(ulids.get(0)).setToUlid(ulids.get(2)).build()), "to_ulid " + ulids.get(2));
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.link(LinkRequest.newBuilder()
                .setFromUlid(ulids.get(0)).setToUlid(ulids.get(0)).build()), "itself");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.link(LinkRequest.newBuilder()
                .setFromUlid(ulids.get(0)).setToUlid(ulids.get(1)).setRelation("Derived From").build()), "relation");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.link(LinkRequest.newBuilder()
                .setFromUlid("x").setToUlid(ulids.get(1)).build()), "from_ulid");
        assertStatus(Code.INVALID_ARGUMENT, () -> stub.link(LinkRequest.newBuilder()
                .setFromUlid(ulids.get(0)).build()), "to_ulid");
    }

    /** A chain n0 → n1 ← n2 → n3 ← n4 → n5: links pointing both ways. */
    @Test
    void traceFollowsLinksBothWaysUpToMaxDepthInUlidOrder() {
        String system = uniqueSystem("crackerjack");
        List<String> n = generate(6);
        for (int i = 0; i < 6; i++) {
            register(n.get(i), system, "node-" + i);
        }
        link(n.get(0), n.get(1));
        link(n.get(2), n.get(1)); // pointing the other way
        link(n.get(2), n.get(3));
        link(n.get(4), n.get(3));
        link(n.get(4), n.get(5));

        assertThat(related(trace(n.get(0), 1))).containsExactly(n.get(1));
        assertThat(related(trace(n.get(0), 2))).containsExactly(n.get(1), n.get(2));
        TraceResponse three = trace(n.get(0), 0); // default depth 3
        assertThat(related(three)).containsExactly(n.get(1), n.get(2), n.get(3));
        assertThat(three.getOrigin().getUlid()).isEqualTo(n.get(0));
        assertThat(three.getEdgesCount()).isEqualTo(3);
        assertThat(related(trace(n.get(0), 10))).containsExactly(n.get(1), n.get(2), n.get(3), n.get(4), n.get(5));
        // From the middle, both directions, still in ULID order.
        assertThat(related(trace(n.get(3), 1))).containsExactly(n.get(2), n.get(4));
        assertThat(related(trace(n.get(5).toLowerCase(Locale.ROOT), 10)))
                .containsExactly(n.get(0), n.get(1), n.get(2), n.get(3), n.get(4));
    }

    @Test
    void traceEndsOnCyclesAndReportsEachEdgeOnce() {
        String system = uniqueSystem("dhruva");
        List<String> n = generate(4);
        for (int i = 0; i < 4; i++) {
            register(n.get(i), system, "c" + i);
        }
        link(n.get(0), n.get(1));
        link(n.get(1), n.get(2));
        link(n.get(2), n.get(0));
        link(n.get(2), n.get(3));
        link(n.get(3), n.get(2));
        TraceResponse t = trace(n.get(1), 10);
        assertThat(related(t)).containsExactly(n.get(0), n.get(2), n.get(3));
        assertThat(t.getEdgesList()).hasSize(5).doesNotHaveDuplicates();
        TraceResponse alone = trace(register(generate(1).get(0), system, "alone").getUlid(), 3);
        assertThat(alone.getRelatedCount()).isZero();
        assertThat(alone.getEdgesCount()).isZero();
    }

    @Test
    void traceRefusesBadDepthsAndUnknownOrigins() {
        String system = uniqueSystem("akosha");
        String ulid = register(generate(1).get(0), system, "o").getUlid();
        assertStatus(Code.INVALID_ARGUMENT, () -> trace(ulid, 11), "max_depth 11");
        assertStatus(Code.INVALID_ARGUMENT, () -> trace(ulid, -1), "max_depth -1");
        assertStatus(Code.INVALID_ARGUMENT, () -> trace("bad", 1), "ulid");
        String unknown = generate(1).get(0);
        assertStatus(Code.NOT_FOUND, () -> trace(unknown, 1), unknown);
    }

    @Test
    void getStatsCountsReferencesLinksAndSystems() {
        String system = uniqueSystem("stats");
        GetStatsResponse before = stub.getStats(GetStatsRequest.getDefaultInstance());
        List<String> n = generate(3);
        for (String u : n) {
            register(u, system, u);
        }
        link(n.get(0), n.get(1));
        GetStatsResponse after = stub.getStats(GetStatsRequest.getDefaultInstance());
        assertThat(after.getReferencesBySystemMap()).containsEntry(system, 3L);
        assertThat(after.getReferences()).isGreaterThanOrEqualTo(before.getReferences() + 3);
        assertThat(after.getLinks()).isGreaterThanOrEqualTo(before.getLinks() + 1);
        assertThat(after.getReferencesBySystemMap().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(after.getReferences());
    }

    @Test
    void echoReturnsThePayload() {
        assertThat(stub.echo(EchoRequest.newBuilder().setPayload("ping").build()).getPayload()).isEqualTo("ping");
    }

    private void link(String from, String to) {
        stub.link(LinkRequest.newBuilder().setFromUlid(from).setToUlid(to).build());
    }

    private TraceResponse trace(String ulid, int depth) {
        return stub.trace(TraceRequest.newBuilder().setUlid(ulid).setMaxDepth(depth).build());
    }

    private static List<String> related(TraceResponse t) {
        return t.getRelatedList().stream().map(Reference::getUlid).toList();
    }

    private static void assertIncreasing(List<String> ulids) {
        for (int i = 1; i < ulids.size(); i++) {
            assertThat(ulids.get(i)).isGreaterThan(ulids.get(i - 1));
        }
    }
}
