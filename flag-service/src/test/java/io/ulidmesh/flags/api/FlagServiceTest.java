package io.ulidmesh.flags.api;

import static io.restassured.RestAssured.given;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.Evaluation;
import io.ulidmesh.proto.flags.v1.EvaluationReason;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagChange;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc.FlagServiceBlockingStub;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.HistoryResponse;
import io.ulidmesh.proto.flags.v1.ListFlagsRequest;
import io.ulidmesh.proto.flags.v1.ListFlagsResponse;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.testsupport.TestChannels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FlagServiceTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private ManagedChannel channel;
    private FlagServiceBlockingStub flags;

    @BeforeEach
    void connect() {
        channel = TestChannels.toQuarkusTestApp();
        flags = FlagServiceGrpc.newBlockingStub(TestChannels.as(channel, "alice")).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    static String unique(String prefix) {
        return prefix + "_" + NAMES.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    private static SetFlagRequest.Builder set(String name) {
        return SetFlagRequest.newBuilder().setName(name);
    }

    @Test
    void setFlagCreatesThenVersionsEveryChange() {
        String name = unique("create");
        Flag created = flags.setFlag(set(name).setPercentage(12.5).setReason("canary").setDescription("d").build());
        assertThat(created.getName()).isEqualTo(name);
        assertThat(created.getBasisPoints()).isEqualTo(1250);
        assertThat(created.getCohort()).isEqualTo(name);
        assertThat(created.getVersion()).isEqualTo(1);
        assertThat(created.getUpdatedBy()).isEqualTo("alice");
        assertThat(created.getReason()).isEqualTo("canary");
        assertThat(created.getDescription()).isEqualTo("d");
        assertThat(created.getUpdatedAt().getSeconds()).isPositive();

        Flag on = flags.setFlag(set(name).setEnabled(true).setReason("go").setExpectedVersion(1).build());
        assertThat(on.getBasisPoints()).isEqualTo(10_000);
        assertThat(on.getVersion()).isEqualTo(2);
        assertThat(on.getDescription()).isEqualTo("d");
        Flag bp = flags.setFlag(set(name).setBasisPoints(1).setCohort("shared.cohort").build());
        assertThat(bp.getBasisPoints()).isEqualTo(1);
        assertThat(bp.getCohort()).isEqualTo("shared.cohort");
        assertThat(bp.getVersion()).isEqualTo(3);
        Flag off = flags.setFlag(set(name).setEnabled(false).build());
        assertThat(off.getBasisPoints()).isZero();
        assertThat(off.getVersion()).isEqualTo(4);
        assertThat(flags.getFlag(GetFlagRequest.newBuilder().setName(name).build())).isEqualTo(off);
    }

    @Test
    void aSetFlagThatChangesNothingRecordsNothing() {
        String name = unique("noop");
        Flag created = flags.setFlag(set(name).setBasisPoints(500).build());
        Flag again = flags.setFlag(set(name).setBasisPoints(500).setReason("again").build());
        assertThat(again).isEqualTo(created);
        Flag stateless = flags.setFlag(set(name).build());
        assertThat(stateless).isEqualTo(created);
        assertThat(history(name, 0, "").getChangesList()).hasSize(1);
        Flag fresh = flags.setFlag(set(unique("fresh")).build());
        assertThat(fresh.getBasisPoints()).isZero();
    }

    @Test
    void invalidArgumentsNameTheValue() {
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("Bad Name").setEnabled(true).build()), "Bad Name");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("").setEnabled(true).build()), "''");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("a".repeat(129)).setEnabled(true).build()),
                "must match");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("p").setPercentage(100.5).build()), "100.5");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("p").setPercentage(-1).build()), "-1.0");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("p").setPercentage(12.345).build()), "12.345");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("p").setPercentage(Double.NaN).build()), "NaN");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("p").setBasisPoints(10_001).build()), "10001");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(set("p").setBasisPoints(-5).build()), "-5");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flags.setFlag(set("p").setEnabled(true).setExpectedVersion(-2).build()), "-2");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flags.setFlag(set("p").setEnabled(true).setCohort("No Cohort").build()), "No Cohort");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.getFlag(GetFlagRequest.newBuilder().setName("UPPER").build()),
                "UPPER");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flags.listFlags(ListFlagsRequest.newBuilder().setPageSize(-1).build()), "-1");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flags.deleteFlag(DeleteFlagRequest.newBuilder().setName("9x").build()), "9x");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.history(HistoryRequest.newBuilder().setFlag("x y").build()),
                "x y");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flags.batchEvaluate(BatchEvaluateRequest.newBuilder().addAllFlags(List.of("a", "b"))
                        .addAllEntityIds(ids(5001)).build()),
                "10002");
        assertStatus(Code.INVALID_ARGUMENT,
                () -> flags.watch(WatchRequest.newBuilder().setAfterRevision(-3).build()).hasNext(), "-3");
        assertThat(flags.setFlag(set(unique("two.decimals")).setPercentage(0.01).build()).getBasisPoints()).isEqualTo(1);
        assertThat(flags.setFlag(set(unique("two.decimals")).setPercentage(99.99).build()).getBasisPoints()).isEqualTo(9999);
        assertThat(flags.setFlag(set(unique("two.decimals")).setPercentage(100).build()).getBasisPoints()).isEqualTo(10_000);
    }

    @Test
    void staleExpectedVersionIsAbortedAndChangesNothing() {
        String name = unique("stale");
        flags.setFlag(set(name).setBasisPoints(100).build());
        flags.setFlag(set(name).setBasisPoints(200).build());
        assertStatus(Code.ABORTED, () -> flags.setFlag(set(name).setBasisPoints(300).setExpectedVersion(1).build()),
                "version 2");
        assertStatus(Code.ABORTED,
                () -> flags.deleteFlag(DeleteFlagRequest.newBuilder().setName(name).setExpectedVersion(1).build()),
                "expected_version 1");
        assertStatus(Code.ABORTED,
                () -> flags.setFlag(set(unique("absent")).setEnabled(true).setExpectedVersion(4).build()),
                "does not exist");
        Flag now = flags.getFlag(GetFlagRequest.newBuilder().setName(name).build());
        assertThat(now.getBasisPoints()).isEqualTo(200);
        assertThat(now.getVersion()).isEqualTo(2);
        assertThat(history(name, 0, "").getChangesList()).hasSize(2);
    }

    @Test
    void exactlyOneOfTwoRacingWritesWithTheSameExpectedVersionWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String name = unique("race");
                long version = flags.setFlag(set(name).setBasisPoints(0).build()).getVersion();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Code>> writers = new ArrayList<>();
                for (int w = 1; w <= 2; w++) {
                    int bp = w * 1000;
                    writers.add(pool.submit(() -> {
                        start.await();
                        try {
                            flags.setFlag(set(name).setBasisPoints(bp).setExpectedVersion(version).build());
                            return Code.OK;
                        } catch (StatusRuntimeException e) {
                            return e.getStatus().getCode();
                        }
                    }));
                }
                start.countDown();
                List<Code> codes = List.of(writers.get(0).get(), writers.get(1).get());
                assertThat(codes).containsExactlyInAnyOrder(Code.OK, Code.ABORTED);
                assertThat(flags.getFlag(GetFlagRequest.newBuilder().setName(name).build()).getVersion()).isEqualTo(version + 1);
                assertThat(history(name, 0, "").getChangesList()).hasSize(2);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void getAndDeleteOfAnAbsentFlagAreNotFound() {
        String name = unique("absent");
        assertStatus(Code.NOT_FOUND, () -> flags.getFlag(GetFlagRequest.newBuilder().setName(name).build()), name);
        assertStatus(Code.NOT_FOUND, () -> flags.deleteFlag(DeleteFlagRequest.newBuilder().setName(name).build()),
                name);
        assertStatus(Code.NOT_FOUND, () -> flags.history(HistoryRequest.newBuilder().setFlag(name).build()), name);
    }

    @Test
    void deleteReturnsTheLastStateAndTheFlagIsGone() {
        String name = unique("delete");
        Flag flag = flags.setFlag(set(name).setPercentage(50).build());
        Flag deleted = flags.deleteFlag(DeleteFlagRequest.newBuilder().setName(name).setExpectedVersion(1)
                .setReason("cleanup").build()).getFlag();
        assertThat(deleted).isEqualTo(flag);
        assertStatus(Code.NOT_FOUND, () -> flags.getFlag(GetFlagRequest.newBuilder().setName(name).build()), name);
        Evaluation e = flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("x").build());
        assertThat(e.getReason()).isEqualTo(EvaluationReason.FLAG_NOT_FOUND);
        Flag recreated = flags.setFlag(set(name).setEnabled(true).build());
        // Versions continue across the delete: a version read before it never matches the new flag.
        assertThat(recreated.getVersion()).isEqualTo(2);
        assertStatus(Code.ABORTED, () -> flags.setFlag(set(name).setPercentage(10).setExpectedVersion(1).build()),
                "is at version 2");
        List<FlagChange> changes = history(name, 0, "").getChangesList();
        assertThat(changes).extracting(FlagChange::getType)
                .containsExactly(FlagEventType.UPSERTED, FlagEventType.DELETED, FlagEventType.UPSERTED);
        assertThat(changes.get(0).hasBefore()).isFalse();
        assertThat(changes.get(1).getBefore()).isEqualTo(flag);
        assertThat(changes.get(1).hasAfter()).isFalse();
        assertThat(changes.get(1).getReason()).isEqualTo("cleanup");
        assertThat(changes.get(1).getActor()).isEqualTo("alice");
    }

    @Test
    void historyIsNewestFirstWithBeforeAndAfterPaged() {
        String name = unique("history");
        List<Flag> states = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            states.add(flags.setFlag(set(name).setBasisPoints(i * 100).setReason("step " + i).build()));
        }
        HistoryResponse first = history(name, 2, "");
        HistoryResponse second = history(name, 2, first.getNextPageToken());
        HistoryResponse third = history(name, 2, second.getNextPageToken());
        assertThat(third.getNextPageToken()).isEmpty();
        List<FlagChange> all = new ArrayList<>(first.getChangesList());
        all.addAll(second.getChangesList());
        all.addAll(third.getChangesList());
        assertThat(all).hasSize(5);
        for (int i = 0; i < 5; i++) {
            FlagChange change = all.get(i);
            int step = 5 - i;
            assertThat(change.getAfter()).isEqualTo(states.get(step - 1));
            assertThat(change.getReason()).isEqualTo("step " + step);
            assertThat(change.getActor()).isEqualTo("alice");
            assertThat(change.getAt()).isEqualTo(states.get(step - 1).getUpdatedAt());
            if (step > 1) {
                assertThat(change.getBefore()).isEqualTo(states.get(step - 2));
                assertThat(change.getRevision()).isGreaterThan(all.get(i + 1).getRevision());
            }
        }
    }

    @Test
    void listFlagsPagesByName() {
        String prefix = unique("list");
        for (String suffix : List.of("c", "a", "b")) {
            flags.setFlag(set(prefix + "." + suffix).setEnabled(true).build());
        }
        List<String> names = new ArrayList<>();
        String token = "";
        do {
            ListFlagsResponse page = flags.listFlags(ListFlagsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            assertThat(page.getFlagsCount()).isLessThanOrEqualTo(2);
            page.getFlagsList().forEach(f -> names.add(f.getName()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(names).isSorted().doesNotHaveDuplicates()
                .containsSubsequence(prefix + ".a", prefix + ".b", prefix + ".c");
    }

    /** Page tokens are checked: garbage, another listing's token or a forged position is INVALID_ARGUMENT. */
    @Test
    void listFlagsAndHistoryRefusePageTokensTheyDidNotIssue() {
        String name = unique("tokens");
        for (int bp = 1; bp <= 3; bp++) {
            flags.setFlag(set(name).setBasisPoints(bp).build());
        }
        flags.setFlag(set(name + ".b").setEnabled(true).build());
        String listToken = flags.listFlags(ListFlagsRequest.newBuilder().setPageSize(1).build()).getNextPageToken();
        String historyToken = history(name, 1, "").getNextPageToken();
        assertThat(listToken).isNotEmpty();
        assertThat(historyToken).isNotEmpty();

        for (String forged : List.of("!!", base64Url(name), historyToken, base64Url("ListFlags\nNot A Name"),
                base64Url("ListFlags\n" + name).substring(1), "A".repeat(600))) {
            assertStatus(Code.INVALID_ARGUMENT,
                    () -> flags.listFlags(ListFlagsRequest.newBuilder().setPageToken(forged).build()),
                    "page_token is not a token this service issued for ListFlags");
        }
        for (String forged : List.of("bm9wZQ", listToken, base64Url("History of " + name + "\n-5"),
                base64Url("History of " + name + "\nlatest"), base64Url("History of other\n5"))) {
            assertStatus(Code.INVALID_ARGUMENT, () -> history(name, 1, forged),
                    "page_token is not a token this service issued for History of " + name);
        }
        assertThat(flags.listFlags(ListFlagsRequest.newBuilder().setPageSize(1).setPageToken(listToken).build())
                .getFlagsCount()).isEqualTo(1);
        assertThat(history(name, 1, historyToken).getChanges(0).getAfter().getBasisPoints()).isEqualTo(2);
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void evaluateFollowsTheCohortHashAndNeverFailsForUnknownFlags() {
        String name = unique("eval");
        Evaluation unknown = flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("user-1").build());
        assertThat(unknown.getEnabled()).isFalse();
        assertThat(unknown.getReason()).isEqualTo(EvaluationReason.FLAG_NOT_FOUND);
        assertThat(unknown.getVersion()).isZero();
        assertThat(flags.evaluate(EvaluateRequest.newBuilder().setFlag("Not A Name").build()).getReason())
                .isEqualTo(EvaluationReason.FLAG_NOT_FOUND);

        flags.setFlag(set(name).setEnabled(false).setCohort("use_v2_coordinator").build());
        Evaluation off = flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("user-2").build());
        assertThat(off.getReason()).isEqualTo(EvaluationReason.FLAG_OFF);
        assertThat(off.getBucket()).isEqualTo(345);
        flags.setFlag(set(name).setBasisPoints(346).build());
        // vectors: user-2 is in bucket 345, user-1 in bucket 6403
        Evaluation in = flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("user-2").build());
        assertThat(in.getEnabled()).isTrue();
        assertThat(in.getReason()).isEqualTo(EvaluationReason.IN_ROLLOUT);
        assertThat(in.getVersion()).isEqualTo(2);
        Evaluation out = flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("user-1").build());
        assertThat(out.getEnabled()).isFalse();
        assertThat(out.getReason()).isEqualTo(EvaluationReason.OUT_OF_ROLLOUT);
        assertThat(out.getBucket()).isEqualTo(6403);
        flags.setFlag(set(name).setBasisPoints(345).build());
        assertThat(flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("user-2").build()).getEnabled()).isFalse();
        flags.setFlag(set(name).setEnabled(true).build());
        Evaluation on = flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("user-1").build());
        assertThat(on.getReason()).isEqualTo(EvaluationReason.FLAG_ON);
        assertThat(on.getEnabled()).isTrue();
    }

    @Test
    void batchEvaluateAnswersEveryPairFlagMajorAndGrowsMonotonically() {
        String a = unique("batch.a");
        String b = unique("batch.b");
        List<String> ids = ids(3000);
        Set<String> previous = new HashSet<>();
        for (int bp : new int[] {100, 500, 1000, 2500, 5000, 9000, 10_000}) {
            flags.setFlag(set(a).setBasisPoints(bp).setCohort("shared").build());
            flags.setFlag(set(b).setBasisPoints(bp).setCohort("shared").build());
            List<Evaluation> evaluations = flags.batchEvaluate(BatchEvaluateRequest.newBuilder()
                    .addFlags(a).addFlags(b).addFlags("missing_" + a).addAllEntityIds(ids).build()).getEvaluationsList();
            assertThat(evaluations).hasSize(3 * ids.size());
            Set<String> enabledA = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                Evaluation ea = evaluations.get(i);
                Evaluation eb = evaluations.get(ids.size() + i);
                Evaluation missing = evaluations.get(2 * ids.size() + i);
                assertThat(ea.getFlag()).isEqualTo(a);
                assertThat(ea.getEntityId()).isEqualTo(ids.get(i));
                assertThat(ea.getEnabled()).isEqualTo(CohortHash.enabled("shared", bp, ids.get(i)));
                assertThat(eb.getEnabled()).as("flags sharing a cohort include the same ids").isEqualTo(ea.getEnabled());
                assertThat(missing.getReason()).isEqualTo(EvaluationReason.FLAG_NOT_FOUND);
                if (ea.getEnabled()) {
                    enabledA.add(ids.get(i));
                }
            }
            assertThat(enabledA).containsAll(previous);
            previous = enabledA;
        }
        assertThat(previous).hasSize(ids.size());
    }

    @Test
    void watchFromZeroSendsASnapshotThenLiveChangesAndResumesFromARevision() throws Exception {
        String name = unique("watch");
        flags.setFlag(set(name).setBasisPoints(100).build());
        Context.CancellableContext watching = Context.current().withCancellation();
        List<FlagEvent> events = new ArrayList<>();
        try {
            Iterator<FlagEvent> stream = watching.call(() ->
                    FlagServiceGrpc.newBlockingStub(channel).watch(WatchRequest.newBuilder().setAfterRevision(0).build()));
            Set<String> snapshot = new HashSet<>();
            long lastSnapshotRevision = 0;
            FlagEvent event;
            // the snapshot comes first, in revision order, one event per flag
            while (true) {
                event = stream.next();
                if (event.getType() != FlagEventType.SNAPSHOT) {
                    break;
                }
                assertThat(event.getRevision()).isGreaterThan(lastSnapshotRevision);
                lastSnapshotRevision = event.getRevision();
                assertThat(snapshot.add(event.getFlag().getName())).isTrue();
                if (event.getFlag().getName().equals(name)) {
                    flags.setFlag(set(name).setBasisPoints(200).setReason("live one").build());
                    flags.setFlag(set(name).setBasisPoints(300).setReason("live two").build());
                    flags.deleteFlag(DeleteFlagRequest.newBuilder().setName(name).setReason("live three").build());
                }
            }
            assertThat(snapshot).contains(name);
            events.add(event);
            while (events.size() < 3 || !events.get(events.size() - 1).getFlag().getName().equals(name)
                    || events.get(events.size() - 1).getType() != FlagEventType.DELETED) {
                events.add(stream.next());
            }
        } finally {
            watching.cancel(null);
        }
        List<FlagEvent> mine = events.stream().filter(e -> e.getFlag().getName().equals(name)).toList();
        assertThat(mine).extracting(FlagEvent::getReason).containsExactly("live one", "live two", "live three");
        assertThat(mine).extracting(FlagEvent::getType)
                .containsExactly(FlagEventType.UPSERTED, FlagEventType.UPSERTED, FlagEventType.DELETED);
        assertThat(mine.get(2).getFlag().getBasisPoints()).isEqualTo(300);
        assertThat(mine.get(0).getActor()).isEqualTo("alice");
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).getRevision()).isEqualTo(events.get(i - 1).getRevision() + 1);
        }

        // resume after the first live change: the later ones are replayed, in order, nothing else before them
        long resumeAfter = mine.get(0).getRevision();
        Context.CancellableContext resuming = Context.current().withCancellation();
        try {
            Iterator<FlagEvent> replay = resuming.call(() -> FlagServiceGrpc.newBlockingStub(channel)
                    .watch(WatchRequest.newBuilder().setAfterRevision(resumeAfter).build()));
            long expected = resumeAfter + 1;
            FlagEvent e;
            do {
                e = replay.next();
                assertThat(e.getRevision()).isEqualTo(expected++);
                assertThat(e.getType()).isNotEqualTo(FlagEventType.SNAPSHOT);
            } while (e.getRevision() < mine.get(2).getRevision());
            assertThat(e).isEqualTo(mine.get(2));
            String later = unique("after.replay");
            flags.setFlag(set(later).setEnabled(true).build());
            FlagEvent live;
            do {
                live = replay.next();
                assertThat(live.getRevision()).isEqualTo(expected++);
            } while (!live.getFlag().getName().equals(later));
            assertThat(live.getType()).isEqualTo(FlagEventType.UPSERTED);
        } finally {
            resuming.cancel(null);
        }
    }

    @Test
    void concurrentWritesDuringAReplayAreDeliveredOnceEachInOrder() throws Exception {
        String name = unique("handoff");
        long start = flags.setFlag(set(name).setBasisPoints(1).build()).getVersion();
        assertThat(start).isEqualTo(1);
        long from = history(name, 1, "").getChanges(0).getRevision();
        int writes = 40;
        Thread writer = new Thread(() -> {
            for (int i = 2; i <= writes; i++) {
                flags.setFlag(set(name).setBasisPoints(i).build());
            }
        });
        Context.CancellableContext watching = Context.current().withCancellation();
        try {
            writer.start();
            Iterator<FlagEvent> stream = watching.call(() -> FlagServiceGrpc.newBlockingStub(channel)
                    .watch(WatchRequest.newBuilder().setAfterRevision(from).build()));
            long expected = from + 1;
            int seen = 1;
            while (seen < writes) {
                FlagEvent e = stream.next();
                assertThat(e.getRevision()).isEqualTo(expected++);
                if (e.getFlag().getName().equals(name)) {
                    seen++;
                    assertThat(e.getFlag().getBasisPoints()).isEqualTo(seen);
                }
            }
            writer.join();
        } finally {
            watching.cancel(null);
        }
    }

    @Test
    void watchBeyondTheLatestRevisionIsAFailedPrecondition() {
        assertStatus(Code.FAILED_PRECONDITION,
                () -> flags.watch(WatchRequest.newBuilder().setAfterRevision(Long.MAX_VALUE / 2).build()).hasNext(),
                Long.toString(Long.MAX_VALUE / 2));
    }

    @Test
    void metricsCountChangesEvaluationsWatchersAndBasisPoints() {
        String name = unique("metrics");
        flags.setFlag(set(name).setBasisPoints(4321).build());
        flags.evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId("e").build());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("ulidmesh_flag_changes_total{type=\"upserted\"}"))
                .body(containsString("ulidmesh_flag_evaluations_total{reason=\"FLAG_NOT_FOUND\"}"))
                .body(containsString("ulidmesh_flag_watchers"))
                .body(containsString("ulidmesh_flag_basis_points{flag=\"" + name + "\"} 4321.0"));
    }

    @Test
    void propagationLagIsAHistogramFedByEveryChangeThisReplicaPublishes() throws InterruptedException {
        long before = propagated();
        flags.setFlag(set(unique("propagation")).setBasisPoints(1).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (propagated() <= before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(propagated()).isGreaterThan(before);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("ulidmesh_flag_propagation_seconds_bucket{le=\"1.0\"}"))
                .body(containsString("ulidmesh_flag_propagation_seconds_sum"));
    }

    /** The propagation histogram's count: changes this replica has handed to its watchers. */
    private static long propagated() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("ulidmesh_flag_propagation_seconds_count"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private HistoryResponse history(String name, int pageSize, String token) {
        return flags.history(HistoryRequest.newBuilder().setFlag(name).setPageSize(pageSize).setPageToken(token).build());
    }

    static List<String> ids(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add("entity-" + i);
        }
        return ids;
    }
}
