package io.ulidmesh.flags.api;

import static io.ulidmesh.flags.api.FlagServiceTest.unique;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.flags.client.FlagClient;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.Evaluation;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc.FlagServiceBlockingStub;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.ListFlagsRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsResponse;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** SetFlags: several flags in one transaction and one revision, seen whole by every kind of reader. */
@QuarkusTest
class SetFlagsTest extends SetFlagsCalls {
    private static SetFlagRequest flag(String name, int basisPoints, long expectedVersion) {
        return SetFlagRequest.newBuilder().setName(name).setBasisPoints(basisPoints).setExpectedVersion(expectedVersion)
                .setReason("phase 2").build();
    }

    private Flag get(String name) {
        return flags.getFlag(GetFlagRequest.newBuilder().setName(name).build());
    }

    @Test
    void everyFlagChangesUnderOneRevisionAndWatchersGetThemAsOneGroup() throws Exception {
        String a = unique("phase_a");
        String b = unique("phase_b");
        String c = unique("phase_c");
        long before = setFlags(flag(a, 0, 0), flag(b, 0, 0)).getRevision();
        Context.CancellableContext watching = Context.current().withCancellation();
        try {
            Iterator<FlagEvent> stream = watching.call(() -> FlagServiceGrpc.newBlockingStub(channel)
                    .watch(WatchRequest.newBuilder().setAfterRevision(before).build()));
            SetFlagsResponse written = setFlags(flag(a, 1000, 1), flag(b, 0, 1), flag(c, 2500, 0));

            assertThat(written.getFlagsList()).extracting(Flag::getName).containsExactly(a, b, c);
            assertThat(written.getFlagsList()).extracting(Flag::getVersion).containsExactly(2L, 1L, 1L);
            assertThat(written.getRevision()).isGreaterThan(before);
            List<FlagEvent> group = List.of(stream.next(), stream.next());
            assertThat(group).extracting(e -> e.getFlag().getName()).containsExactlyInAnyOrder(a, c);
            assertThat(group).extracting(FlagEvent::getRevision).containsOnly(written.getRevision());
            assertThat(group).extracting(FlagEvent::getRemainingInGroup).containsExactly(1, 0);
            assertThat(group).extracting(FlagEvent::getActor).containsOnly("alice");
        } finally {
            watching.cancel(null);
        }
        assertThat(flags.history(HistoryRequest.newBuilder().setFlag(a).build()).getChanges(0).getRevision())
                .isEqualTo(flags.history(HistoryRequest.newBuilder().setFlag(c).build()).getChanges(0).getRevision());
        assertThat(setFlags(flag(a, 1000, 0)).getRevision()).as("a write that changes nothing").isZero();
    }

    @Test
    void oneStaleVersionAbortsTheWholeWriteAndNothingChanges() {
        String a = unique("stale_a");
        String b = unique("stale_b");
        setFlags(flag(a, 100, 0), flag(b, 100, 0));
        setFlags(flag(b, 200, 1));
        assertStatus(Code.ABORTED, () -> setFlags(flag(a, 300, 1), flag(b, 300, 1)), b, "version 2");
        assertThat(get(a).getBasisPoints()).isEqualTo(100);
        assertThat(get(a).getVersion()).isEqualTo(1);
        assertThat(get(b).getBasisPoints()).isEqualTo(200);
        assertThat(flags.history(HistoryRequest.newBuilder().setFlag(a).build()).getChangesList()).hasSize(1);
    }

    @Test
    void badWritesAreRefusedNamingTheProblemAndChangeNothing() {
        String a = unique("bad_a");
        assertStatus(Code.INVALID_ARGUMENT, () -> setFlags(), "1 to 100 flags, not 0");
        assertStatus(Code.INVALID_ARGUMENT, () -> setFlags(flag(a, 1, 0), flag(a, 2, 0)), "named twice");
        assertStatus(Code.INVALID_ARGUMENT, () -> setFlags(flag(a, 1, 0), flag("Not A Name", 2, 0)), "'Not A Name'");
        assertStatus(Code.INVALID_ARGUMENT, () -> setFlags(flag(a, 1, 0), flag(unique("bad_b"), 10_001, 0)), "10001");
        List<SetFlagRequest> many = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            many.add(flag(a + "_" + i, 1, 0));
        }
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlags(SetFlagsRequest.newBuilder().addAllFlags(many).build()),
                "not 101");
        assertStatus(Code.NOT_FOUND, () -> get(a), "does not exist");
    }

    @Test
    void aViewerMayNotSetFlags() {
        FlagServiceBlockingStub viewer = FlagServiceGrpc.newBlockingStub(
                TestChannels.withToken(channel, TestTokens.token("vic", "viewer")));
        assertStatus(Code.PERMISSION_DENIED, () -> viewer.setFlags(SetFlagsRequest.newBuilder()
                .addFlags(flag(unique("viewer"), 1, 0)).build()), "operator");
    }

    /**
     * A writer flips three flags together between off and on while readers of every kind look:
     * the database (ListFlags), this replica's table (BatchEvaluate) and an in-process FlagClient
     * fed by Watch. None of them may ever see the three disagree.
     */
    @Test
    void concurrentReadersNeverSeeAHalfAppliedWrite() throws Exception {
        String prefix = unique("atomic");
        List<String> names = List.of(prefix + "_1", prefix + "_2", prefix + "_3");
        setFlags(names.stream().map(n -> flag(n, 0, 0)).toArray(SetFlagRequest[]::new));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        try (FlagClient client = FlagClient.connect(TestChannels.withToken(channel, TestTokens.token("reader", "viewer")))) {
            readers.add(reader(writing, torn, reads, () -> flags.listFlags(ListFlagsRequest.newBuilder().setPageSize(1000)
                    .build()).getFlagsList().stream().filter(f -> names.contains(f.getName()))
                    .map(f -> (long) f.getBasisPoints()).toList()));
            readers.add(reader(writing, torn, reads, () -> flags.batchEvaluate(BatchEvaluateRequest.newBuilder()
                    .addAllFlags(names).addEntityIds("e").build()).getEvaluationsList().stream()
                    .map(Evaluation::getVersion).toList()));
            readers.add(reader(writing, torn, reads, () -> {
                Map<String, FlagClient.FlagView> seen = client.flags();
                return names.stream().map(n -> seen.get(n) == null ? -1L : seen.get(n).version()).toList();
            }));
            readers.forEach(Thread::start);
            for (int i = 1; i <= 60; i++) {
                int bp = i % 2 * 10_000;
                setFlags(names.stream().map(n -> flag(n, bp, 0)).toArray(SetFlagRequest[]::new));
            }
            writing.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
            assertThat(torn.get()).as("a reader saw half a write").isNull();
            assertThat(reads.get()).isGreaterThan(60);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!caughtUp(client, names) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(caughtUp(client, names)).as("the client caught up with the last write").isTrue();
        }
    }

    private static boolean caughtUp(FlagClient client, List<String> names) {
        return names.stream().allMatch(n -> client.flag(n) != null && client.flag(n).version() == 61);
    }

    /** One read of several values that one write changes together. */
    interface Read {
        List<Long> values();
    }

    /** Reads until the writing stops, keeping in {@code torn} the first read whose values differ. */
    static Thread reader(AtomicBoolean writing, AtomicReference<String> torn, AtomicInteger reads, Read read) {
        return new Thread(() -> {
            while (writing.get()) {
                List<Long> values = read.values();
                reads.incrementAndGet();
                if (values.stream().distinct().count() > 1) {
                    torn.compareAndSet(null, values.toString());
                }
            }
        });
    }
}
