package io.ulidmesh.flags.api;

import static io.ulidmesh.flags.api.FlagServiceTest.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.flagd.sync.v1.FetchAllFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** flagd.sync.v1 over real gRPC: the documents, the stream's revisions and back-pressure for a slow reader. */
@QuarkusTest
class FlagdSyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private ManagedChannel channel;
    private FlagServiceGrpc.FlagServiceBlockingStub flags;
    private FlagSyncServiceGrpc.FlagSyncServiceBlockingStub sync;

    @BeforeEach
    void connect() {
        channel = TestChannels.toQuarkusTestApp();
        flags = FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        sync = FlagSyncServiceGrpc.newBlockingStub(TestChannels.withToken(channel, TestTokens.token("provider", "viewer")));
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    private static JsonNode flag(String document, String name) throws Exception {
        return JSON.readTree(document).path("flags").path(name);
    }

    @Test
    void fetchAllFlagsServesFlagdDefinitionsWithFractionalOnTheCohortKey() throws Exception {
        String rollout = unique("sync.rollout");
        String on = unique("sync.on");
        String off = unique("sync.off");
        flags.setFlag(SetFlagRequest.newBuilder().setName(rollout).setBasisPoints(1234).setCohort("use_v2_coordinator").build());
        flags.setFlag(SetFlagRequest.newBuilder().setName(on).setEnabled(true).build());
        flags.setFlag(SetFlagRequest.newBuilder().setName(off).setEnabled(false).build());
        String document = sync.withDeadlineAfter(30, TimeUnit.SECONDS)
                .fetchAllFlags(FetchAllFlagsRequest.getDefaultInstance()).getFlagConfiguration();

        assertThat(JSON.readTree(document).path("metadata").path("flagSetId").asText()).isEqualTo("ulidmesh");
        JsonNode r = flag(document, rollout);
        assertThat(r.path("state").asText()).isEqualTo("ENABLED");
        assertThat(r.path("defaultVariant").asText()).isEqualTo("off");
        assertThat(r.path("variants").toString()).isEqualTo("{\"on\":true,\"off\":false}");
        assertThat(r.path("targeting").toString()).isEqualTo("{\"fractional\":[{\"cat\":[\"use_v2_coordinator\",\":\","
                + "{\"var\":[\"targetingKey\",\"\"]}]},[\"on\",1234],[\"off\",8766]]}");
        assertThat(r.path("metadata").path("basisPoints").asInt()).isEqualTo(1234);
        assertThat(r.path("metadata").path("version").asLong()).isEqualTo(1);
        assertThat(flag(document, on).path("defaultVariant").asText()).isEqualTo("on");
        assertThat(flag(document, on).has("targeting")).isFalse();
        assertThat(flag(document, off).path("defaultVariant").asText()).isEqualTo("off");
        assertThat(flag(document, off).has("targeting")).isFalse();
    }

    @Test
    void aStreamSendsTheFullSetFirstAndAgainAfterEachRevision() throws Exception {
        String name = unique("sync.stream");
        flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(100).build());
        Iterator<SyncFlagsResponse> stream = sync.withDeadlineAfter(60, TimeUnit.SECONDS)
                .syncFlags(SyncFlagsRequest.newBuilder().setProviderId("test").build());
        JsonNode first = flag(stream.next().getFlagConfiguration(), name);
        assertThat(first.path("metadata").path("basisPoints").asInt()).isEqualTo(100);

        flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(200).setReason("more").build());
        JsonNode next = flag(stream.next().getFlagConfiguration(), name);
        while (next.path("metadata").path("version").asLong() < 2) {
            next = flag(stream.next().getFlagConfiguration(), name);
        }
        assertThat(next.path("metadata").path("basisPoints").asInt()).isEqualTo(200);
        assertThat(next.path("targeting").path("fractional").get(1).toString()).isEqualTo("[\"on\",200]");

        flags.deleteFlag(io.ulidmesh.proto.flags.v1.DeleteFlagRequest.newBuilder().setName(name).setReason("gone").build());
        JsonNode deleted = flag(stream.next().getFlagConfiguration(), name);
        while (!deleted.isMissingNode()) {
            deleted = flag(stream.next().getFlagConfiguration(), name);
        }
        assertThat(deleted.isMissingNode()).isTrue();
    }

    /**
     * A reader that takes nothing while 20 revisions are made gets, once it reads, a few documents
     * ending with the latest: the ones in between were coalesced, not queued.
     */
    @Test
    void aSlowReaderGetsTheLatestDocumentNotEveryRevision() throws Exception {
        // documents of about 100 KB, more than the reader's 64 KiB window, so the server sees it is not ready
        String prefix = unique("sync.bulk") + "." + "x".repeat(90);
        for (int i = 0; i < 250; i++) {
            flags.setFlag(SetFlagRequest.newBuilder().setName(prefix + "." + i).setBasisPoints(i).build());
        }
        ManagedChannel small = NettyChannelBuilder.forAddress("127.0.0.1", TestChannels.quarkusTestPort()).usePlaintext()
                .flowControlWindow(65_535).intercept(TestChannels.bearer(TestTokens.token("slow", "viewer"))).build();
        BlockingQueue<SyncFlagsResponse> received = new LinkedBlockingQueue<>();
        AtomicReference<ClientCallStreamObserver<SyncFlagsRequest>> call = new AtomicReference<>();
        try {
            FlagSyncServiceGrpc.newStub(small).syncFlags(SyncFlagsRequest.getDefaultInstance(),
                    new ClientResponseObserver<SyncFlagsRequest, SyncFlagsResponse>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<SyncFlagsRequest> requests) {
                            call.set(requests);
                            requests.disableAutoRequestWithInitial(1);
                        }

                        @Override
                        public void onNext(SyncFlagsResponse value) {
                            received.add(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            assertThat(received.poll(30, TimeUnit.SECONDS)).isNotNull();
            String watched = prefix + ".0";
            for (int v = 1; v <= 20; v++) {
                flags.setFlag(SetFlagRequest.newBuilder().setName(watched).setBasisPoints(v).build());
            }
            // the last write has reached this replica's table once FetchAllFlags shows it
            while (flag(sync.fetchAllFlags(FetchAllFlagsRequest.getDefaultInstance()).getFlagConfiguration(), watched)
                    .path("metadata").path("basisPoints").asInt() != 20) {
                Thread.sleep(20);
            }
            int documents = 0;
            int last = -1;
            while (last != 20) {
                call.get().request(1);
                SyncFlagsResponse next = received.poll(30, TimeUnit.SECONDS);
                assertThat(next).as("a document with the last revision").isNotNull();
                documents++;
                last = flag(next.getFlagConfiguration(), watched).path("metadata").path("basisPoints").asInt();
            }
            assertThat(documents).as("documents after the first, for 20 revisions").isLessThanOrEqualTo(5);
        } finally {
            small.shutdownNow();
        }
    }
}
