package io.ulidmesh.flags.api;

import static io.restassured.RestAssured.given;
import static io.ulidmesh.flags.api.FlagServiceTest.unique;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Context;
import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.ulidmesh.flags.client.FlagClient;
import io.ulidmesh.proto.flagd.sync.v1.FetchAllFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.EvaluationReason;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagChange;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.ListFlagsRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsResponse;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** SetFlags entries that delete (issue 14): the same transaction and revision as the sets, seen whole by every reader. */
@QuarkusTest
class SetFlagsDeleteTest extends SetFlagsCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VIEWER = TestTokens.token("delete-viewer", "viewer");
    private static SetFlagRequest set(String name, int basisPoints, long expectedVersion) {
        return SetFlagRequest.newBuilder().setName(name).setBasisPoints(basisPoints).setExpectedVersion(expectedVersion)
                .setReason("restore phase 1").build();
    }

    private static SetFlagRequest delete(String name, long expectedVersion) {
        return SetFlagRequest.newBuilder().setName(name).setDelete(true).setExpectedVersion(expectedVersion)
                .setReason("rollback: created by phase 2").build();
    }

    private List<FlagChange> history(String name) {
        return flags.history(HistoryRequest.newBuilder().setFlag(name).build()).getChangesList();
    }

    @Test
    void deletesShareTheRevisionOfTheSetsAndWatchersGetThemInOneGroupAndTheHistory() throws Exception {
        String kept = unique("rollback_kept");
        String created = unique("rollback_created");
        long before = setFlags(set(kept, 0, 0), set(created, 10_000, 0)).getRevision();
        Context.CancellableContext watching = Context.current().withCancellation();
        try {
            Iterator<FlagEvent> stream = watching.call(() -> FlagServiceGrpc.newBlockingStub(channel)
                    .watch(WatchRequest.newBuilder().setAfterRevision(before).build()));
            SetFlagsResponse written = setFlags(set(kept, 10_000, 1), delete(created, 1));

            assertThat(written.getRevision()).isGreaterThan(before);
            assertThat(written.getFlagsList()).extracting(Flag::getName, Flag::getVersion, Flag::getBasisPoints)
                    .as("the set flag as it is now, the deleted one as it was last")
                    .containsExactly(tuple(kept, 2L, 10_000),
                            tuple(created, 1L, 10_000));
            List<FlagEvent> group = List.of(stream.next(), stream.next());
            assertThat(group).extracting(e -> e.getFlag().getName() + " " + e.getType())
                    .containsExactlyInAnyOrder(kept + " UPSERTED", created + " DELETED");
            assertThat(group).extracting(FlagEvent::getRevision).containsOnly(written.getRevision());
            assertThat(group).extracting(FlagEvent::getRemainingInGroup).containsExactly(1, 0);
        } finally {
            watching.cancel(null);
        }
        assertStatus(Code.NOT_FOUND, () -> flags.getFlag(GetFlagRequest.newBuilder().setName(created).build()), created);
        FlagChange deleted = history(created).get(0);
        assertThat(deleted.getType()).isEqualTo(FlagEventType.DELETED);
        assertThat(deleted.getRevision()).isEqualTo(history(kept).get(0).getRevision());
        assertThat(deleted.getActor()).isEqualTo("alice");
        assertThat(deleted.getReason()).isEqualTo("rollback: created by phase 2");
        assertThat(deleted.getBefore().getVersion()).isEqualTo(1);
        assertThat(deleted.hasAfter()).isFalse();
    }

    @Test
    void refusedDeletesNameTheProblemAndChangeNothing() {
        String a = unique("refused_a");
        String b = unique("refused_b");
        String missing = unique("refused_missing");
        setFlags(set(a, 100, 0), set(b, 100, 0));

        assertStatus(Code.ABORTED, () -> setFlags(set(a, 200, 1), delete(missing, 3)), missing, "expected_version is 3");
        assertStatus(Code.ABORTED, () -> setFlags(set(a, 200, 1), delete(b, 2)), b, "version 1");
        assertStatus(Code.ABORTED, () -> setFlags(delete(b, 1), set(a, 200, 5)), a, "version 1");
        assertStatus(Code.NOT_FOUND, () -> setFlags(set(a, 200, 1), delete(missing, 0)), missing, "does not exist");
        assertStatus(Code.INVALID_ARGUMENT, () -> setFlags(set(b, 200, 1), delete(b, 1)), b, "both set and deleted");
        assertStatus(Code.INVALID_ARGUMENT, () -> setFlags(delete(b, 1).toBuilder().setBasisPoints(0).build()),
                "sets no state");
        assertStatus(Code.INVALID_ARGUMENT, () -> flags.setFlag(delete(b, 1)), "DeleteFlag");

        for (String name : List.of(a, b)) {
            Flag now = flags.getFlag(GetFlagRequest.newBuilder().setName(name).build());
            assertThat(now.getVersion()).as(name).isEqualTo(1);
            assertThat(now.getBasisPoints()).as(name).isEqualTo(100);
            assertThat(history(name)).as(name).hasSize(1);
        }
        assertStatus(Code.NOT_FOUND, () -> history(missing), "never existed");
    }

    /**
     * A writer moves two flags between {on, present} and {off, deleted} in one SetFlags each while
     * ListFlags (the database), BatchEvaluate (this replica's table) and a FlagClient fed by Watch
     * read them: none may ever see one flag's half without the other's.
     */
    @Test
    void concurrentReadersNeverSeeASetWithoutTheDeleteOfTheSameWrite() throws Exception {
        String a = unique("mix_a");
        String b = unique("mix_b");
        setFlags(set(a, 10_000, 0), set(b, 10_000, 0));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        try (FlagClient client = FlagClient.connect(TestChannels.withToken(channel, TestTokens.token("reader", "viewer")))) {
            readers.add(SetFlagsTest.reader(writing, torn, reads, () -> {
                Map<String, Integer> listed = new HashMap<>();
                flags.listFlags(ListFlagsRequest.newBuilder().setPageSize(1000).build()).getFlagsList()
                        .forEach(f -> listed.put(f.getName(), f.getBasisPoints()));
                return List.of(listed.getOrDefault(a, -1) == 10_000 ? 1L : 0L, listed.containsKey(b) ? 1L : 0L);
            }));
            readers.add(SetFlagsTest.reader(writing, torn, reads, () -> flags.batchEvaluate(BatchEvaluateRequest
                    .newBuilder().addFlags(a).addFlags(b).addEntityIds("e").build()).getEvaluationsList().stream()
                    .map(e -> e.getFlag().equals(a) ? (e.getEnabled() ? 1L : 0L)
                            : (e.getReason() == EvaluationReason.FLAG_NOT_FOUND ? 0L : 1L)).toList()));
            readers.add(SetFlagsTest.reader(writing, torn, reads, () -> {
                Map<String, FlagClient.FlagView> seen = client.flags();
                FlagClient.FlagView flagA = seen.get(a);
                return List.of(flagA != null && flagA.basisPoints() == 10_000 ? 1L : 0L, seen.containsKey(b) ? 1L : 0L);
            }));
            readers.forEach(Thread::start);
            for (int i = 1; i <= 40; i++) {
                long versionA = flags.getFlag(GetFlagRequest.newBuilder().setName(a).build()).getVersion();
                if (i % 2 == 1) {
                    long versionB = flags.getFlag(GetFlagRequest.newBuilder().setName(b).build()).getVersion();
                    setFlags(set(a, 0, versionA), delete(b, versionB));
                } else {
                    setFlags(set(a, 10_000, versionA), set(b, 10_000, 0));
                }
            }
            writing.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
            assertThat(torn.get()).as("a reader saw half a write").isNull();
            assertThat(reads.get()).isGreaterThan(40);
        }
    }

    @Test
    void aDeletedFlagLeavesTheOfrepAndFlagdSyncViews() throws Exception {
        String kept = unique("views_kept");
        String created = unique("views_created");
        setFlags(set(kept, 0, 0), set(created, 10_000, 0));
        FlagSyncServiceGrpc.FlagSyncServiceBlockingStub sync = FlagSyncServiceGrpc.newBlockingStub(
                TestChannels.withToken(channel, TestTokens.token("provider", "viewer")));
        Context.CancellableContext following = Context.current().withCancellation();
        try {
            Iterator<SyncFlagsResponse> stream = following.call(() -> sync.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .syncFlags(SyncFlagsRequest.getDefaultInstance()));
            assertThat(flagd(stream.next().getFlagConfiguration(), created).isMissingNode()).isFalse();

            setFlags(set(kept, 10_000, 1), delete(created, 1));
            JsonNode document = JSON.readTree(stream.next().getFlagConfiguration());
            while (document.path("flags").has(created)) {
                document = JSON.readTree(stream.next().getFlagConfiguration());
            }
            assertThat(document.path("flags").path(kept).path("defaultVariant").asText())
                    .as("the set flag arrives in the same document the deleted one leaves").isEqualTo("on");
        } finally {
            following.cancel(null);
        }
        String all = sync.withDeadlineAfter(30, TimeUnit.SECONDS).fetchAllFlags(FetchAllFlagsRequest.getDefaultInstance())
                .getFlagConfiguration();
        assertThat(flagd(all, created).isMissingNode()).isTrue();
        assertThat(flagd(all, kept).path("defaultVariant").asText()).isEqualTo("on");

        given().header("Authorization", "Bearer " + VIEWER).contentType(ContentType.JSON)
                .body("{\"context\": {\"targetingKey\": \"u\"}}").post("/ofrep/v1/evaluate/flags/" + created)
                .then().statusCode(404).body("errorCode", equalTo("FLAG_NOT_FOUND"));
        List<String> bulk = given().header("Authorization", "Bearer " + VIEWER).contentType(ContentType.JSON)
                .body("{\"context\": {\"targetingKey\": \"u\"}}").post("/ofrep/v1/evaluate/flags")
                .then().statusCode(200).extract().jsonPath().getList("flags.key");
        assertThat(bulk).contains(kept).doesNotContain(created);
    }

    private static JsonNode flagd(String document, String name) throws Exception {
        return JSON.readTree(document).path("flags").path(name);
    }
}
