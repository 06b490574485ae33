package io.ulidmesh.bench.flags;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.bench.core.GrpcTargets;
import io.ulidmesh.bench.core.HealthEchoBench;
import io.ulidmesh.bench.core.LoadGenerator;
import io.ulidmesh.bench.core.LoadResult;
import io.ulidmesh.bench.core.LoadSpec;
import io.ulidmesh.bench.core.Op;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.proto.resolution.v1.EchoRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The flag-service benchmarks of BENCHMARKS.md, each beside a same-run baseline:
 * <ul>
 *   <li>{@code evaluate}: Evaluate unary flat out vs the Echo RPC ({@code --echo-target}, a resolution-service)
 *       and the Health/Check of flag-service itself;</li>
 *   <li>{@code batch}: BatchEvaluate of 10 flags x 1000 entities (10,000 evaluations per call), in evaluations/s;</li>
 *   <li>{@code propagation}: SetFlag to delivery at {@code --watchers} Watch streams spread over
 *       {@code --target} and {@code --target2} (two replicas on one database), p50/p99 per delivery.</li>
 * </ul>
 * <pre>
 * java -cp ... io.ulidmesh.bench.flags.FlagBench --target 127.0.0.1:18682 --target2 127.0.0.1:18692 \
 *     --echo-target 127.0.0.1:18681 --only evaluate,batch,propagation --watchers 100 --changes 200 \
 *     --jdbc jdbc:postgresql://127.0.0.1:5432/ulidmesh_bench_flags
 * </pre>
 */
public final class FlagBench {
    private FlagBench() {
    }

    public static void main(String[] args) throws Exception {
        LoadSpec spec = LoadSpec.parse(args);
        Set<String> only = Set.of(spec.option("only", "evaluate,batch,propagation").split(","));
        ManagedChannel admin = BenchChannels.plaintext(spec.host(), spec.port()).build();
        FlagServiceGrpc.FlagServiceBlockingStub flags = FlagServiceGrpc.newBlockingStub(admin);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String name = "bench.flag." + i;
            names.add(name);
            flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(1000 * i + 500)
                    .setCohort("bench").setReason("benchmark setup").build());
        }
        try (GrpcTargets targets = new GrpcTargets(spec)) {
            System.out.println(LoadResult.header());
            if (only.contains("evaluate")) {
                LoadResult echo = echo(spec);
                HealthEchoBench.echo(targets, spec);
                var stubs = targets.stubs(FlagServiceGrpc::newFutureStub);
                EvaluateRequest request = EvaluateRequest.newBuilder().setFlag("bench.flag.3")
                        .setEntityId("01ARZ3NDEKTSV4RRFFQ69G5FAV").build();
                LoadResult evaluate = LoadGenerator.run("Evaluate unary", spec,
                        Op.listenable(() -> stubs.next().evaluate(request)));
                System.out.printf("Evaluate / echo ops/s = %.2f%n", evaluate.opsPerSecond() / echo.opsPerSecond());
            }
            if (only.contains("batch")) {
                List<String> entities = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    entities.add("entity-" + i);
                }
                BatchEvaluateRequest request = BatchEvaluateRequest.newBuilder().addAllFlags(names)
                        .addAllEntityIds(entities).build();
                var stubs = targets.stubs(FlagServiceGrpc::newFutureStub);
                LoadGenerator.run("BatchEvaluate 10x1000", spec.withConcurrency(Integer.parseInt(
                        spec.option("batch-concurrency", "4"))), Op.listenable(() -> stubs.next().batchEvaluate(request)),
                        names.size() * entities.size());
            }
        }
        if (only.contains("propagation")) {
            propagation(spec, flags);
        }
        admin.shutdownNow();
        System.exit(0);
    }

    /**
     * The Echo RPC (resolution-service's trivial RPC, same Quarkus gRPC stack) at {@code --echo-target},
     * run just before Evaluate so both see the same machine.
     */
    private static LoadResult echo(LoadSpec spec) throws InterruptedException {
        String echoTarget = spec.option("echo-target", "127.0.0.1:8681");
        int colon = echoTarget.lastIndexOf(':');
        LoadSpec echoSpec = new LoadSpec(echoTarget.substring(0, colon), Integer.parseInt(echoTarget.substring(colon + 1)),
                spec.duration(), spec.warmup(), spec.concurrency(), spec.ratePerSecond(), spec.channels(), spec.options());
        try (GrpcTargets echoTargets = new GrpcTargets(echoSpec)) {
            var stubs = echoTargets.stubs(ResolutionServiceGrpc::newFutureStub);
            EchoRequest ping = EchoRequest.newBuilder().setPayload("ping").build();
            return LoadGenerator.run("Echo (trivial RPC)", echoSpec, Op.listenable(() -> stubs.next().echo(ping)));
        }
    }

    /** SetFlag through the first replica; every watcher on either replica timestamps its delivery. */
    private static void propagation(LoadSpec spec, FlagServiceGrpc.FlagServiceBlockingStub flags) throws Exception {
        int watchers = Integer.parseInt(spec.option("watchers", "100"));
        int changes = Integer.parseInt(spec.option("changes", "200"));
        String second = spec.option("target2", spec.host() + ":" + spec.port());
        String flag = "bench.propagation";
        flags.setFlag(SetFlagRequest.newBuilder().setName(flag).setBasisPoints(0).build());
        List<ManagedChannel> channels = List.of(
                BenchChannels.plaintext(spec.host(), spec.port()).build(),
                BenchChannels.plaintext(second).build());
        ConcurrentHashMap<Integer, Long> sentAt = new ConcurrentHashMap<>();
        Histogram[] delivery = {new Histogram(TimeUnit.MINUTES.toMicros(1), 3), new Histogram(TimeUnit.MINUTES.toMicros(1), 3)};
        Histogram setFlag = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        AtomicBoolean closing = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(watchers);
        CountDownLatch[] delivered = new CountDownLatch[changes + 1];
        for (int i = 0; i <= changes; i++) {
            delivered[i] = new CountDownLatch(watchers);
        }
        for (int w = 0; w < watchers; w++) {
            int replica = w % 2;
            ManagedChannel channel = channels.get(replica);
            FlagServiceGrpc.newStub(channel).watch(WatchRequest.newBuilder().setAfterRevision(0).build(),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(FlagEvent event) {
                            long now = System.nanoTime();
                            if (!event.getFlag().getName().equals(flag)) {
                                return;
                            }
                            if (event.getType() == FlagEventType.SNAPSHOT) {
                                ready.countDown();
                                return;
                            }
                            int bp = event.getFlag().getBasisPoints();
                            Long sent = sentAt.get(bp);
                            if (sent != null) {
                                synchronized (delivery) {
                                    delivery[replica].recordValue((now - sent) / 1000);
                                }
                                delivered[bp].countDown();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            if (!closing.get()) {
                                System.err.println("watch failed: " + t);
                            }
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
        }
        if (!ready.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("watchers did not all receive their snapshot");
        }
        long pause = Long.parseLong(spec.option("pause-ms", "20"));
        for (int bp = 1; bp <= changes; bp++) {
            long start = System.nanoTime();
            sentAt.put(bp, start);
            flags.setFlag(SetFlagRequest.newBuilder().setName(flag).setBasisPoints(bp).setReason("propagation").build());
            setFlag.recordValue((System.nanoTime() - start) / 1000);
            Thread.sleep(pause);
        }
        for (int bp = 1; bp <= changes; bp++) {
            delivered[bp].await(30, TimeUnit.SECONDS);
        }
        Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        all.add(delivery[0]);
        all.add(delivery[1]);
        System.out.printf("propagation: %d changes x %d watchers over 2 replicas%n", changes, watchers);
        print("SetFlag to delivery, all watchers", all);
        print("  watchers on the writing replica", delivery[0]);
        print("  watchers on the other replica", delivery[1]);
        print("baseline: SetFlag RPC alone", setFlag);
        String jdbc = spec.option("jdbc", "");
        if (!jdbc.isEmpty()) {
            print("baseline: PostgreSQL NOTIFY to LISTEN", notifyRoundTrip(jdbc, changes, pause));
        }
        closing.set(true);
        channels.forEach(ManagedChannel::shutdownNow);
    }

    private static void print(String what, Histogram h) {
        System.out.printf("%-36s n=%6d p50 %7d µs  p99 %7d µs  p99.9 %7d µs  max %7d µs%n", what, h.getTotalCount(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    /** The floor of cross-replica propagation: one NOTIFY committed on one connection, received on another. */
    private static Histogram notifyRoundTrip(String jdbc, int count, long pause) throws Exception {
        Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        try (Connection listen = DriverManager.getConnection(jdbc, "postgres", "");
             Connection send = DriverManager.getConnection(jdbc, "postgres", "");
             Statement l = listen.createStatement();
             Statement n = send.createStatement()) {
            l.execute("LISTEN ulidmesh_bench_roundtrip");
            PGConnection pg = listen.unwrap(PGConnection.class);
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                n.execute("NOTIFY ulidmesh_bench_roundtrip, '" + i + "'");
                PGNotification[] got = pg.getNotifications(10_000);
                if (got != null && got.length > 0) {
                    h.recordValue((System.nanoTime() - start) / 1000);
                }
                Thread.sleep(pause);
            }
        }
        return h;
    }
}
