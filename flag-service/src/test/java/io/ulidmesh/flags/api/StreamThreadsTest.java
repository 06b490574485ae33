package io.ulidmesh.flags.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.proto.flagd.evaluation.v1.EventStreamRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.EventStreamResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the service's threads must not grow with its streams. Opens hundreds of Watch, flagd
 * EventStream and SyncFlags streams at once in this JVM (the client on a direct executor, so its
 * own threads do not grow either), then closes them, reading the thread count with ThreadMXBean.
 * Before the fix each Watch set itself up on the shared worker pool, which grew by 20 threads here
 * (by 200, its maximum, for 2,000 streams in the probe of the issue) and kept them idling.
 * The sync streams were left out while issue 16 was open (SyncStreamsTest).
 */
@QuarkusTest
class StreamThreadsTest {
    private static final int EACH = 300;
    private static final int HEADROOM = 12;

    @Test
    void openingAndClosingManyStreamsLeavesTheThreadCountBounded() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", TestChannels.quarkusTestPort()).usePlaintext()
                    .directExecutor().intercept(TestChannels.bearer(TestTokens.token("streams", "viewer"))).build());
        }
        ManagedChannel admin = TestChannels.toQuarkusTestApp();
        try {
            FlagServiceGrpc.newBlockingStub(admin).withDeadlineAfter(30, TimeUnit.SECONDS).setFlag(SetFlagRequest.newBuilder()
                    .setName(FlagServiceTest.unique("threads")).setBasisPoints(10).build());
            // warm up: one of each, so pools that start lazily have started
            openAndClose(channels, 1);
            int before = threads.getThreadCount();
            threads.resetPeakThreadCount();

            Context.CancellableContext streams = openAndWait(channels, EACH);
            int peak = threads.getPeakThreadCount();
            streams.cancel(null);
            openAndClose(channels, EACH);
            int after = threads.getThreadCount();
            int peakAll = threads.getPeakThreadCount();

            assertThat(peak - before).as("threads added while %d streams were open (before %d)", 3 * EACH, before)
                    .isLessThanOrEqualTo(HEADROOM);
            assertThat(peakAll - before).as("threads added at any time").isLessThanOrEqualTo(HEADROOM);
            assertThat(after - before).as("threads left after the streams closed").isLessThanOrEqualTo(HEADROOM);
        } finally {
            admin.shutdownNow();
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    private static void openAndClose(List<ManagedChannel> channels, int each) throws InterruptedException {
        openAndWait(channels, each).cancel(null);
    }

    /** {@code each} streams of each kind, spread over the channels, every one past its first message. */
    private static Context.CancellableContext openAndWait(List<ManagedChannel> channels, int each) throws InterruptedException {
        Context.CancellableContext context = Context.current().withCancellation();
        CountDownLatch first = new CountDownLatch(3 * each);
        context.run(() -> {
            for (int i = 0; i < each; i++) {
                ManagedChannel channel = channels.get(i % channels.size());
                FlagServiceGrpc.newStub(channel).watch(WatchRequest.getDefaultInstance(), new Once<FlagEvent>(first));
                ServiceGrpc.newStub(channel).eventStream(EventStreamRequest.getDefaultInstance(),
                        new Once<EventStreamResponse>(first));
                FlagSyncServiceGrpc.newStub(channel).syncFlags(SyncFlagsRequest.getDefaultInstance(),
                        new Once<SyncFlagsResponse>(first));
            }
        });
        assertThat(first.await(60, TimeUnit.SECONDS)).as("every stream got its first message (%d did not)", first.getCount())
                .isTrue();
        return context;
    }

    /** Counts down at a stream's first message. */
    private static final class Once<T> implements StreamObserver<T> {
        private final CountDownLatch first;
        private boolean seen;

        Once(CountDownLatch first) {
            this.first = first;
        }

        @Override
        public synchronized void onNext(T value) {
            if (!seen) {
                seen = true;
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
