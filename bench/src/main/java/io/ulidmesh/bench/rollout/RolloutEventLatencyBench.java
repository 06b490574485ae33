package io.ulidmesh.bench.rollout;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * How fast a rollout's events reach their readers: from sending PauseRollout (or ResumeRollout) to
 * its event arriving (a) on a WatchRollout of the same controller, (b) on a WatchRollout of a
 * standby replica (LISTEN/NOTIFY), (c) at a webhook (the notification outbox, at least once; this
 * bench is the receiver, on --hook-port, configured as the controller's default webhook). Baseline,
 * same run: the action's own round trip (the RPC returns after the event is committed).
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) io.ulidmesh.bench.rollout.RolloutEventLatencyBench \
 *     --controller 127.0.0.1:18783 --standby 127.0.0.1:18793 --hook-port 18799 --rounds 200
 * </pre>
 */
public final class RolloutEventLatencyBench {
    private RolloutEventLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "100"));
        int warmup = Math.max(5, rounds / 10);
        ManagedChannel active = BenchChannels.plaintext(opts.getOrDefault("controller", "127.0.0.1:8683")).build();
        ManagedChannel standby = BenchChannels.plaintext(opts.getOrDefault("standby", "127.0.0.1:8693")).build();
        var client = RolloutServiceGrpc.newBlockingStub(active);

        // sequence of the event -> arrival time (nanoTime) per reader
        Map<Long, Long> onActive = new ConcurrentHashMap<>();
        Map<Long, Long> onStandby = new ConcurrentHashMap<>();
        Map<String, Long> atHook = new ConcurrentHashMap<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(opts.getOrDefault("hook-port", "18799"))), 50);
        hook.createContext("/", exchange -> {
            long now = System.nanoTime();
            exchange.getRequestBody().readAllBytes();
            atHook.putIfAbsent(exchange.getRequestHeaders().getFirst("X-Ulidmesh-Event-Id"), now);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();

        String id = client.createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: bench-event-latency
                phases:
                  - { name: only, bake: 1d }
                """).build()).getId();
        while (client.getRollout(GetRolloutRequest.newBuilder().setId(id).build()).getPhases(0).getState() != PhaseState.PHASE_BAKING) {
            Thread.sleep(20);
        }
        watch(active, id, onActive);
        watch(standby, id, onStandby);
        Thread.sleep(1000);
        long base = onActive.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();

        Histogram baseline = histogram();
        Histogram local = histogram();
        Histogram remote = histogram();
        Histogram webhook = histogram();
        for (int i = 0; i < warmup + rounds; i++) {
            boolean pause = i % 2 == 0;
            RolloutActionRequest request = RolloutActionRequest.newBuilder().setId(id).setReason("bench " + i).build();
            long start = System.nanoTime();
            if (pause) {
                client.pauseRollout(request);
            } else {
                client.resumeRollout(request);
            }
            long returned = System.nanoTime();
            // nothing else happens to this rollout: each action appends exactly one event
            long seq = base + i + 1;
            String eventId = id + "-" + seq;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((!onActive.containsKey(seq) || !onStandby.containsKey(seq) || !atHook.containsKey(eventId))
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (i >= warmup) {
                baseline.recordValue(returned - start);
                local.recordValue(onActive.getOrDefault(seq, deadline) - start);
                remote.recordValue(onStandby.getOrDefault(seq, deadline) - start);
                webhook.recordValue(atHook.getOrDefault(eventId, deadline) - start);
            }
        }
        System.out.printf("rounds %d (after %d warm-up), Pause/Resume alternating%n", rounds, warmup);
        print("baseline: the action's own round trip", baseline);
        print("action -> WatchRollout, same controller", local);
        print("action -> WatchRollout, standby (LISTEN/NOTIFY)", remote);
        print("action -> webhook delivery (outbox)", webhook);
        System.out.printf("watch p50 / baseline p50: same %.2f, standby %.2f%n",
                local.getValueAtPercentile(50) / (double) baseline.getValueAtPercentile(50),
                remote.getValueAtPercentile(50) / (double) baseline.getValueAtPercentile(50));
        client.abortRollout(RolloutActionRequest.newBuilder().setId(id).setReason("bench done").build());
        hook.stop(0);
        active.shutdownNow();
        standby.shutdownNow();
    }

    private static void watch(ManagedChannel channel, String id, Map<Long, Long> arrivals) {
        RolloutServiceGrpc.newStub(channel).watchRollout(WatchRolloutRequest.newBuilder().setId(id).build(), new StreamObserver<>() {
            @Override
            public void onNext(RolloutEvent e) {
                arrivals.putIfAbsent(e.getSequence(), System.nanoTime());
            }

            @Override
            public void onError(Throwable t) {
                System.err.println("watch failed: " + t);
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
    }

    private static void print(String what, Histogram h) {
        System.out.printf("%-50s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n", what,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6);
    }
}
