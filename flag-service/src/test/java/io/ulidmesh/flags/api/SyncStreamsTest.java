package io.ulidmesh.flags.api;

import static io.ulidmesh.flags.api.FlagServiceTest.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.flags.domain.FlagRules;
import io.ulidmesh.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: hundreds of SyncFlags streams of ~100 KB documents and Watch streams on the same
 * connections, started while a flag keeps changing. Before the fix an event loop, sending a sync
 * document under the HTTP/2 connection's lock, waited for the lock of a Watch stream whose snapshot
 * a setup thread was sending, and that thread waited for the connection's lock (vert.x gRPC's lock
 * order, {@link CallEventLoop}); the change listener and other event loops then queued behind them,
 * and the streams of that event loop never got their first message.
 */
@QuarkusTest
class SyncStreamsTest {
    private static final int FLAGS = 250;
    private static final int STREAMS = 300;
    private static final int CHANNELS = 4;
    private static final Pattern VERSION = Pattern.compile("\"metadata\":\\{\"version\":(\\d+)");

    @Test
    void hundredsOfSyncAndWatchStreamsStartingWhileAFlagChangesEachGetTheirFirstMessageAndTheLatestDocument() throws Exception {
        ManagedChannel admin = TestChannels.toQuarkusTestApp();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < CHANNELS; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", TestChannels.quarkusTestPort()).usePlaintext()
                    .directExecutor().intercept(TestChannels.bearer(TestTokens.token("provider", "viewer"))).build());
        }
        FlagServiceGrpc.FlagServiceBlockingStub flags = FlagServiceGrpc.newBlockingStub(admin);
        String watched = bulkFlags(flags, unique("sync.load"));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong lastVersion = new AtomicLong();
        Thread writer = new Thread(() -> {
            for (int bp = 1; writing.get(); bp++) {
                lastVersion.set(flags.withDeadlineAfter(30, TimeUnit.SECONDS).setFlag(SetFlagRequest.newBuilder()
                        .setName(watched).setEnabled(bp % 2 == 0).build()).getVersion());
            }
        }, "sync-streams-test-writer");
        Context.CancellableContext streams = null;
        try {
            writer.start();
            // twice, the second round opening while the first one's streams close
            List<AtomicReference<String>> latest = new ArrayList<>();
            for (int round = 1; round <= 2; round++) {
                Context.CancellableContext closing = streams;
                latest.clear();
                CountDownLatch first = new CountDownLatch(2 * STREAMS);
                streams = open(channels, latest, first);
                if (closing != null) {
                    closing.cancel(null);
                }
                // generous: on two busy cores the first ~75 MB (documents and snapshots) take 10-25 s
                boolean started = first.await(60, TimeUnit.SECONDS);
                assertThat(deadlocked()).as("threads deadlocked").isEmpty();
                assertThat(started).as("round %d: every stream got its first message (%d did not)", round, first.getCount())
                        .isTrue();
            }
            writing.set(false);
            writer.join(30_000);

            long version = lastVersion.get();
            assertThat(version).as("versions written while the streams started").isGreaterThan(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Integer> behind = behind(latest, watched, version);
            while (!behind.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                behind = behind(latest, watched, version);
            }
            assertThat(behind).as("streams whose latest document lacks version %d of the flag", version).isEmpty();
        } finally {
            writing.set(false);
            if (streams != null) {
                streams.cancel(null);
            }
            admin.shutdownNow();
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    /** {@value #STREAMS} SyncFlags and as many Watch streams, spread over the channels; {@code latest} gets each sync stream's last document. */
    private static Context.CancellableContext open(List<ManagedChannel> channels, List<AtomicReference<String>> latest,
                                                   CountDownLatch first) {
        Context.CancellableContext streams = Context.current().withCancellation();
        streams.run(() -> {
            for (int i = 0; i < STREAMS; i++) {
                AtomicReference<String> document = new AtomicReference<>();
                latest.add(document);
                ManagedChannel channel = channels.get(i % channels.size());
                FlagSyncServiceGrpc.newStub(channel).syncFlags(SyncFlagsRequest.getDefaultInstance(),
                        new Latest<>(document, first, SyncFlagsResponse::getFlagConfiguration));
                FlagServiceGrpc.newStub(channel).watch(WatchRequest.getDefaultInstance(),
                        new Latest<>(new AtomicReference<>(), first, FlagEvent::toString));
            }
        });
        return streams;
    }

    /**
     * {@value #FLAGS} flags with names of about 130 characters, so a flagd document is about 100 KB,
     * more than a reader's 64 KiB flow-control window; returns the name of the first.
     */
    static String bulkFlags(FlagServiceGrpc.FlagServiceBlockingStub flags, String prefix) {
        String names = prefix + "." + "x".repeat(90) + ".";
        for (int from = 0; from < FLAGS; from += FlagRules.MAX_FLAGS_PER_WRITE) {
            SetFlagsRequest.Builder request = SetFlagsRequest.newBuilder();
            for (int i = from; i < Math.min(FLAGS, from + FlagRules.MAX_FLAGS_PER_WRITE); i++) {
                request.addFlags(SetFlagRequest.newBuilder().setName(names + i).setBasisPoints(i % 2 * CohortHash.ALL));
            }
            flags.withDeadlineAfter(30, TimeUnit.SECONDS).setFlags(request.build());
        }
        return names + 0;
    }

    /** The indexes of the streams whose last document does not show {@code flag} at {@code version}. */
    private static List<Integer> behind(List<AtomicReference<String>> latest, String flag, long version) {
        List<Integer> behind = new ArrayList<>();
        for (int i = 0; i < latest.size(); i++) {
            String document = latest.get(i).get();
            if (document == null || version(document, flag) != version) {
                behind.add(i);
            }
        }
        return behind;
    }

    /** The flag's version in a flagd document: metadata is the last member of each flag, so the first after its name. */
    private static long version(String document, String flag) {
        int at = document.indexOf("\"" + flag + "\":{");
        Matcher m = VERSION.matcher(document);
        return at >= 0 && m.find(at) ? Long.parseLong(m.group(1)) : -1;
    }

    /** The stacks of deadlocked threads of this JVM (the service runs in it), so a failure shows the cycle. */
    private static List<String> deadlocked() {
        long[] ids = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        if (ids == null) {
            return List.of();
        }
        ThreadInfo[] infos = ManagementFactory.getThreadMXBean().getThreadInfo(ids, true, true);
        return Arrays.stream(infos).map(info -> info + Arrays.toString(info.getStackTrace())).toList();
    }

    /** Keeps a stream's last message as text; counts down at its first. */
    private static final class Latest<T> implements StreamObserver<T> {
        private final AtomicReference<String> last;
        private final CountDownLatch first;
        private final Function<T, String> text;

        Latest(AtomicReference<String> last, CountDownLatch first, Function<T, String> text) {
            this.last = last;
            this.first = first;
            this.text = text;
        }

        @Override
        public void onNext(T value) {
            if (last.getAndSet(text.apply(value)) == null) {
                first.countDown();
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
