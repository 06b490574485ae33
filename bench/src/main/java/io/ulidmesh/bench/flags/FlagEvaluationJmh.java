package io.ulidmesh.bench.flags;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.flags.client.FlagClient;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process evaluation in the client library (FlagClient.isEnabled: map lookup + cohort hash),
 * fed by a real flag-service's Watch stream, beside two same-run baselines: a plain HashMap lookup
 * (the floor of any local evaluation) and the obvious implementation that builds the key String
 * and its UTF-8 bytes per call. Run with {@code -prof gc} to see allocation per call:
 * <pre>
 * java -cp bench.jar:deps org.openjdk.jmh.Main FlagEvaluationJmh -p target=127.0.0.1:18682 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlagEvaluationJmh {
    private static final String FLAG = "bench_in_process";
    private static final String COHORT = "use_v2_coordinator";
    private static final int IDS = 1024;

    @Param("127.0.0.1:8682")
    public String target;

    private FlagClient client;
    private final String[] entities = new String[IDS];
    private final Map<String, Integer> plainMap = new HashMap<>();
    private int next;

    @Setup(Level.Trial)
    public void connect() throws InterruptedException {
        for (int i = 0; i < IDS; i++) {
            entities[i] = "01ARZ3NDEKTSV4RRFFQ69G" + String.format("%04d", i);
        }
        plainMap.put(FLAG, 2500);
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).setFlag(SetFlagRequest
                    .newBuilder().setName(FLAG).setBasisPoints(2500).setCohort(COHORT).setReason("benchmark").build());
        } finally {
            channel.shutdownNow();
        }
        client = FlagClient.connect(target);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.flag(FLAG) == null || client.flag(FLAG).basisPoints() != 2500) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("flag-service at " + target + " sent no state for " + FLAG);
            }
            Thread.sleep(10);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        client.close();
    }

    private String nextEntity() {
        next = (next + 1) & (IDS - 1);
        return entities[next];
    }

    /** FlagClient.isEnabled: what an ecosystem service calls. */
    @Benchmark
    public boolean clientIsEnabled() {
        return client.isEnabled(FLAG, nextEntity());
    }

    /** The cohort hash alone (bucket of cohort:entity). */
    @Benchmark
    public int cohortBucket() {
        return CohortHash.bucket(COHORT, nextEntity());
    }

    /** Baseline: a HashMap lookup and a compare, no hashing of the entity. */
    @Benchmark
    public boolean baselineMapLookup() {
        Integer bp = plainMap.get(FLAG);
        return bp != null && nextEntity().length() < bp;
    }

    /** Baseline: the obvious way, building the key String and its UTF-8 bytes per call. */
    @Benchmark
    public boolean baselineConcatenatedKey() {
        Integer bp = plainMap.get(FLAG);
        byte[] key = (COHORT + ":" + nextEntity()).getBytes(StandardCharsets.UTF_8);
        return bp != null && Integer.remainderUnsigned(java.util.Arrays.hashCode(key), 10_000) < bp;
    }
}
