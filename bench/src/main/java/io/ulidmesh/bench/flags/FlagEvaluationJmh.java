package io.ulidmesh.bench.flags;

import io.grpc.ManagedChannel;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.flags.client.FlagClient;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
@Warmup(iterations = 6, time = 3)
@Measurement(iterations = 6, time = 2)
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
    public void connect() throws InterruptedException, IOException {
        for (int i = 0; i < IDS; i++) {
            entities[i] = "01ARZ3NDEKTSV4RRFFQ69G" + String.format("%04d", i);
        }
        plainMap.put(FLAG, 2500);
        ManagedChannel channel = BenchChannels.plaintext(target).build();
        try {
            FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).setFlag(SetFlagRequest
                    .newBuilder().setName(FLAG).setBasisPoints(2500).setCohort(COHORT).setReason("benchmark").build());
        } finally {
            channel.shutdownNow();
        }
        String tokenFile = System.getenv("ULIDMESH_TOKEN_FILE");
        client = tokenFile == null ? FlagClient.connect(target)
                : FlagClient.connect(target, Files.readString(Path.of(tokenFile)).strip());
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

    /**
     * Baseline: the obvious way, a HashMap lookup then the key String built per call, its UTF-8
     * bytes, and textbook MurmurHash3 over the byte array.
     */
    @Benchmark
    public boolean baselineConcatenatedKey() {
        Integer bp = plainMap.get(FLAG);
        byte[] key = (COHORT + ":" + nextEntity()).getBytes(StandardCharsets.UTF_8);
        int bucket = (int) ((Integer.toUnsignedLong(textbookMurmur3(key)) * 10_000) >>> 32);
        return bp != null && bucket < bp;
    }

    private static int textbookMurmur3(byte[] data) {
        int h1 = 0;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int k1 = (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8
                    | (data[4 * i + 2] & 0xff) << 16 | (data[4 * i + 3] & 0xff) << 24;
            h1 = Integer.rotateLeft(h1 ^ Integer.rotateLeft(k1 * 0xcc9e2d51, 15) * 0x1b873593, 13) * 5 + 0xe6546b64;
        }
        int k1 = 0;
        int tail = blocks * 4;
        switch (data.length & 3) {
            case 3:
                k1 ^= (data[tail + 2] & 0xff) << 16;
            case 2:
                k1 ^= (data[tail + 1] & 0xff) << 8;
            case 1:
                k1 ^= data[tail] & 0xff;
                h1 ^= Integer.rotateLeft(k1 * 0xcc9e2d51, 15) * 0x1b873593;
            default:
        }
        h1 ^= data.length;
        h1 ^= h1 >>> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >>> 13;
        h1 *= 0xc2b2ae35;
        h1 ^= h1 >>> 16;
        return h1;
    }
}
