package io.ulidmesh.bench.flags;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.bench.core.LoadSpec;
import io.ulidmesh.proto.flagd.evaluation.v1.EventStreamRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.EventStreamResponse;
import io.ulidmesh.proto.flagd.evaluation.v1.ServiceGrpc;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Flag fan-out at scale (BENCHMARKS.md, "Flag fan-out"): {@code --watchers} Watch streams and
 * {@code --event-streams} flagd EventStream streams, half on each of two replicas, spread over many
 * HTTP/2 connections ({@code --per-connection} streams each, under the server's concurrent-stream
 * limit). Each of {@code --changes} SetFlags through the first replica creates a new flag; every
 * stream timestamps the event that names it. Each replica's live threads and heap after a full GC
 * ({@code --pid}, {@code --pid2}: jcmd) are read before the streams open, while they are open, and
 * after they closed.
 *
 * <pre>
 * java -cp ... io.ulidmesh.bench.flags.FlagFanOutBench --target 127.0.0.1:18682 --target2 127.0.0.1:18692 \
 *     --pid PID_A --pid2 PID_B --watchers 10000 --event-streams 10000 --changes 50
 * </pre>
 */
public final class FlagFanOutBench {
    private final LoadSpec spec;
    private final String[] targets;
    private final long[] pids;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Histogram[] delivery = {histogram(), histogram()};
    private final AtomicInteger failures = new AtomicInteger();

    private FlagFanOutBench(LoadSpec spec) {
        this.spec = spec;
        this.targets = new String[] {spec.host() + ":" + spec.port(), spec.option("target2", spec.host() + ":" + spec.port())};
        this.pids = new long[] {Long.parseLong(spec.option("pid", "0")), Long.parseLong(spec.option("pid2", "0"))};
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    }

    public static void main(String[] args) throws Exception {
        new FlagFanOutBench(LoadSpec.parse(args)).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int watchers = Integer.parseInt(spec.option("watchers", "10000"));
        int eventStreams = Integer.parseInt(spec.option("event-streams", "10000"));
        int changes = Integer.parseInt(spec.option("changes", "50"));
        int perConnection = Integer.parseInt(spec.option("per-connection", "80"));
        String tokenFile = spec.option("token-file", System.getenv().getOrDefault("ULIDMESH_TOKEN_FILE", ""));
        String prefix = "fanout.r" + Long.toString(System.currentTimeMillis(), 36);

        ManagedChannel admin = channel(targets[0], tokenFile);
        var flags = FlagServiceGrpc.newBlockingStub(admin);
        // A Watch from revision 0 starts with the snapshot, which then is never empty: its end marks the stream ready.
        flags.setFlag(SetFlagRequest.newBuilder().setName(prefix + ".seed").setBasisPoints(0).setReason("fan-out").build());
        String[] before = {usage(0), usage(1)};
        int streams = watchers + eventStreams;
        List<ManagedChannel> channels = new ArrayList<>();
        List<List<ManagedChannel>> byReplica = List.of(new ArrayList<>(), new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(streams);
        CountDownLatch delivered = new CountDownLatch(streams * changes);
        for (int s = 0; s < streams; s++) {
            int replica = s % 2;
            List<ManagedChannel> mine = byReplica.get(replica);
            if (s / 2 % perConnection == 0) {
                ManagedChannel added = channel(targets[replica], tokenFile);
                mine.add(added);
                channels.add(added);
            }
            ManagedChannel channel = mine.get(mine.size() - 1);
            if (s < watchers) {
                watch(channel, replica, prefix, ready, delivered);
            } else {
                eventStream(channel, replica, prefix, ready, delivered);
            }
        }
        if (!ready.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(ready.getCount() + " of " + streams + " streams never became ready");
        }
        String[] open = {usage(0), usage(1)};

        Histogram setFlag = histogram();
        long pause = Long.parseLong(spec.option("pause-ms", "200"));
        for (int c = 0; c < changes; c++) {
            String name = prefix + ".c" + c;
            long start = System.nanoTime();
            sentAt.put(name, start);
            flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(5000).setReason("fan-out").build());
            setFlag.recordValue((System.nanoTime() - start) / 1000);
            Thread.sleep(pause);
        }
        boolean all = delivered.await(2, TimeUnit.MINUTES);
        closing.set(true);
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels) {
            c.awaitTermination(10, TimeUnit.SECONDS);
        }
        Thread.sleep(Long.parseLong(spec.option("settle-ms", "5000")));
        String[] closed = {usage(0), usage(1)};

        Histogram both = histogram();
        both.add(delivery[0]);
        both.add(delivery[1]);
        System.out.printf("fan-out: %,d Watch + %,d EventStream streams over 2 replicas, %d connections, %d changes%s%n",
                watchers, eventStreams, channels.size(), changes,
                all ? "" : " (" + delivered.getCount() + " deliveries missing)");
        print("SetFlag to delivery, every stream", both);
        print("  streams on the writing replica", delivery[0]);
        print("  streams on the other replica", delivery[1]);
        print("baseline: SetFlag RPC alone", setFlag);
        for (int r = 0; r < 2; r++) {
            System.out.printf("replica %d (%s): before %s | %,d streams open %s | after close %s%n", r + 1, targets[r],
                    before[r], streams / 2, open[r], closed[r]);
        }
        System.out.printf("stream failures: %d%n", failures.get());
        admin.shutdownNow();
    }

    private ManagedChannel channel(String target, String tokenFile) {
        var builder = BenchChannels.plaintext(target);
        return (tokenFile.isEmpty() ? builder : BenchChannels.withToken(builder, tokenFile)).build();
    }

    private void watch(ManagedChannel channel, int replica, String prefix, CountDownLatch ready, CountDownLatch delivered) {
        FlagServiceGrpc.newStub(channel).watch(WatchRequest.newBuilder().setAfterRevision(0).build(), new StreamObserver<>() {
            private boolean started;

            @Override
            public void onNext(FlagEvent event) {
                long now = System.nanoTime();
                if (event.getType() == FlagEventType.SNAPSHOT) {
                    if (!started && event.getRemainingInGroup() == 0) {
                        started = true;
                        ready.countDown();
                    }
                    return;
                }
                if (!started) {
                    started = true;
                    ready.countDown();
                }
                seen(event.getFlag().getName(), now, replica, prefix, delivered);
            }

            @Override
            public void onError(Throwable t) {
                failed(t);
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    private void eventStream(ManagedChannel channel, int replica, String prefix, CountDownLatch ready,
                             CountDownLatch delivered) {
        ServiceGrpc.newStub(channel).eventStream(EventStreamRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(EventStreamResponse event) {
                long now = System.nanoTime();
                if (event.getType().equals("provider_ready")) {
                    ready.countDown();
                    return;
                }
                var changed = event.getData().getFieldsMap().get("flags");
                if (changed != null) {
                    changed.getStructValue().getFieldsMap().keySet()
                            .forEach(name -> seen(name, now, replica, prefix, delivered));
                }
            }

            @Override
            public void onError(Throwable t) {
                failed(t);
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    private void seen(String flag, long now, int replica, String prefix, CountDownLatch delivered) {
        Long sent = flag.startsWith(prefix) ? sentAt.get(flag) : null;
        if (sent != null) {
            synchronized (delivery) {
                delivery[replica].recordValue((now - sent) / 1000);
            }
            delivered.countDown();
        }
    }

    private void failed(Throwable t) {
        if (!closing.get() && failures.incrementAndGet() <= 3) {
            System.err.println("stream failed: " + t);
        }
    }

    /** The replica's live threads and heap after a full GC, when its pid was given. */
    private String usage(int replica) throws IOException, InterruptedException {
        if (pids[replica] == 0) {
            return "(no --pid)";
        }
        for (int i = 0; i < 2; i++) {
            new ProcessBuilder("jcmd", Long.toString(pids[replica]), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + targets[replica] + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double heap = 0;
        double threads = 0;
        for (String line : text.split("\n")) {
            double value = line.startsWith("#") || line.isBlank() ? 0 : Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += value;
            } else if (line.startsWith("jvm_threads_live_threads")) {
                threads = value;
            }
        }
        return String.format("%.0f threads, heap %.1f MB", threads, heap / 1e6);
    }

    private static void print(String what, Histogram h) {
        System.out.printf("%-36s n=%7d p50 %7d µs  p99 %7d µs  p99.9 %7d µs  max %7d µs%n", what, h.getTotalCount(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
