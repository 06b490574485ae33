package io.ulidmesh.bench.rollout;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Detection to rollback: from the ReportSignal that breaches a rule to the phase's flags being
 * restored, as a Watch on the flag service sees them. Each round starts a rollout whose one phase
 * sets three flags, waits until it bakes, pushes an error rate of 7 % (rule: above 5) and times
 * until the Watch has delivered all three flags back at their previous value. Baseline, same round:
 * one SetFlags of three other flags straight to the flag service, timed the same way to the same
 * Watch, i.e. the floor any controller pays to change three flags together. Both run while the
 * phase bakes, each after the same pause ({@code --settle-ms}, 200 by default), so that neither
 * meets the work of the phase's start still going on in the services. Both are timed to the
 * moment the Watch's last event arrives (stamped in {@code onNext}), not to when the blocking call
 * returns: the ReportSignal RPC returns only after the controller's own bookkeeping that follows the
 * restore, which no reader of the flags waits for.
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) io.ulidmesh.bench.rollout.DetectionToRollbackBench \
 *     --controller 127.0.0.1:18683 --flags 127.0.0.1:18682 --rounds 100
 * </pre>
 */
public final class DetectionToRollbackBench {
    private static final List<String> FLAGS = List.of("bench.rollback.a", "bench.rollback.b", "bench.rollback.c");
    /** The baseline's own three flags, so that it can run while the phase that set {@link #FLAGS} bakes. */
    private static final List<String> FLOOR_FLAGS = List.of("bench.floor.a", "bench.floor.b", "bench.floor.c");

    private DetectionToRollbackBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "50"));
        long settleMillis = Long.parseLong(opts.getOrDefault("settle-ms", "200"));
        ManagedChannel controllerChannel = channel(opts.getOrDefault("controller", "127.0.0.1:8683"));
        ManagedChannel flagChannel = channel(opts.getOrDefault("flags", "127.0.0.1:8682"));
        var rollouts = RolloutServiceGrpc.newBlockingStub(controllerChannel);
        var flags = FlagServiceGrpc.newBlockingStub(flagChannel);
        for (String f : java.util.stream.Stream.concat(FLAGS.stream(), FLOOR_FLAGS.stream()).toList()) {
            flags.setFlag(SetFlagRequest.newBuilder().setName(f).setBasisPoints(0).setReason("benchmark setup").build());
        }
        BlockingQueue<Arrival> events = new LinkedBlockingQueue<>();
        FlagServiceGrpc.newStub(flagChannel).watch(WatchRequest.newBuilder().build(), new StreamObserver<>() {
            @Override
            public void onNext(FlagEvent e) {
                if (e.getType() == FlagEventType.UPSERTED) {
                    events.add(new Arrival(e, System.nanoTime()));
                }
            }

            @Override
            public void onError(Throwable t) {
                System.err.println("watch failed: " + t);
            }

            @Override
            public void onCompleted() {
            }
        });
        Thread.sleep(500);
        events.clear();

        Histogram baseline = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        Histogram detection = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        Histogram rpc = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        String plan = """
                name: bench-detection
                signals: [ { name: bench_error_rate, source: push } ]
                rollback: [ { signal: bench_error_rate, above: 5 } ]
                phases:
                  - { name: canary, flags: { bench.rollback.a: 10%, bench.rollback.b: on, bench.rollback.c: 0.5% }, bake: 1h }
                """;
        int warmup = Math.max(5, rounds / 10);
        for (int round = 0; round < warmup + rounds; round++) {
            boolean measured = round >= warmup;
            Rollout r = rollouts.createRollout(CreateRolloutRequest.newBuilder().setPlanYaml(plan).setStart(true).build());
            while (!(r.getState() == RolloutState.RUNNING && r.getPhases(0).getState() == PhaseState.PHASE_BAKING)) {
                Thread.sleep(20);
                r = rollouts.getRollout(GetRolloutRequest.newBuilder().setId(r.getId()).build());
            }
            // Both are measured on the same quiet mesh: the phase has baked for a moment, as a breach finds it.
            Thread.sleep(settleMillis);
            // baseline: three changes made directly in one SetFlags (the write the controller makes), on flags of its own
            int floorValue = round % 2 == 0 ? 2500 : 0;
            events.clear();
            long start = System.nanoTime();
            flags.setFlags(threeFlags(FLOOR_FLAGS, floorValue, "baseline"));
            long baselineSeen = awaitAll(events, FLOOR_FLAGS, floorValue);
            if (measured) {
                baseline.recordValue(baselineSeen - start);
            }
            Thread.sleep(settleMillis);
            events.clear();
            long t0 = System.nanoTime();
            var response = rollouts.reportSignal(ReportSignalRequest.newBuilder().setName("bench_error_rate").setValue(7)
                    .putLabels("rollout_id", r.getId()).build());
            long returned = System.nanoTime();
            long seen = awaitAll(events, FLAGS, 0);
            if (response.getRollbacksTriggeredCount() != 1) {
                throw new IllegalStateException("round " + round + ": no rollback triggered");
            }
            if (measured) {
                detection.recordValue(seen - t0);
                rpc.recordValue(returned - t0);
            }
            rollouts.abortRollout(RolloutActionRequest.newBuilder().setId(r.getId()).setReason("benchmark round done").build());
        }
        System.out.printf("rounds %d (after %d warm-up), 3 flags per phase%n", rounds, warmup);
        print("baseline: SetFlags of 3 flags -> seen by Watch", baseline);
        print("ReportSignal -> rollback done (RPC returns)", rpc);
        print("ReportSignal -> 3 flags restored, seen by Watch", detection);
        System.out.printf("detection-to-rollback p50 / baseline p50 = %.2f%n",
                (double) detection.getValueAtPercentile(50) / baseline.getValueAtPercentile(50));
        controllerChannel.shutdownNow();
        flagChannel.shutdownNow();
    }

    private static SetFlagsRequest threeFlags(List<String> names, int basisPoints, String reason) {
        SetFlagsRequest.Builder b = SetFlagsRequest.newBuilder();
        names.forEach(f -> b.addFlags(SetFlagRequest.newBuilder().setName(f).setBasisPoints(basisPoints).setReason(reason)));
        return b.build();
    }

    /** A Watch event and when it arrived ({@link System#nanoTime()}). */
    private record Arrival(FlagEvent event, long atNanos) {
    }

    /** Waits until the Watch has delivered each of {@code names} at {@code basisPoints}; returns when the last of them arrived. */
    private static long awaitAll(BlockingQueue<Arrival> events, List<String> names, int basisPoints) throws InterruptedException {
        java.util.Set<String> pending = new java.util.HashSet<>(names);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = 0;
        while (!pending.isEmpty()) {
            Arrival a = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (a == null) {
                throw new IllegalStateException("Watch did not deliver " + pending + " at " + basisPoints + " within 30s");
            }
            if (a.event().getFlag().getBasisPoints() == basisPoints && pending.remove(a.event().getFlag().getName())) {
                last = a.atNanos();
            }
        }
        return last;
    }

    private static void print(String what, Histogram h) {
        System.out.printf("%-50s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n", what,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6);
    }

    private static ManagedChannel channel(String address) {
        return BenchChannels.plaintext(address).build();
    }
}
