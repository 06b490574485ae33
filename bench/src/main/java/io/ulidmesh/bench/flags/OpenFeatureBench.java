package io.ulidmesh.bench.flags;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.bench.core.GrpcTargets;
import io.ulidmesh.bench.core.LoadGenerator;
import io.ulidmesh.bench.core.LoadResult;
import io.ulidmesh.bench.core.LoadSpec;
import io.ulidmesh.bench.core.Op;
import io.ulidmesh.proto.flagd.evaluation.v1.ResolveAllRequest;
import io.ulidmesh.proto.flagd.evaluation.v1.ServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The OpenFeature protocols of the flag-service, each beside a same-run baseline:
 * <ul>
 *   <li>{@code ofrep}: OFREP single evaluation (HTTP/1.1 POST, java.net.http) vs gRPC Evaluate;</li>
 *   <li>{@code bulk}: OFREP bulk evaluation of {@code --flags} flags vs flagd ResolveAll of the same flags (gRPC);</li>
 *   <li>{@code fanout}: flagd SyncFlags streams ({@code --streams}): from a SetFlag to the last stream seeing
 *       the new document, per change, first with one stream (the baseline) then with all; and the
 *       service's resident memory ({@code --pid}) and heap before and after opening them, per stream.</li>
 * </ul>
 * <pre>
 * java -cp ... io.ulidmesh.bench.flags.OpenFeatureBench --target 127.0.0.1:18682 --flags 100 \
 *     --streams 1000 --changes 20 --pid PID --only ofrep,bulk,fanout
 * </pre>
 */
public final class OpenFeatureBench {
    private static final String CONTEXT = "{\"context\":{\"targetingKey\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\"}}";
    private static final String PROBE = "ofbench.probe";

    private OpenFeatureBench() {
    }

    public static void main(String[] args) throws Exception {
        LoadSpec spec = LoadSpec.parse(args);
        Set<String> only = Set.of(spec.option("only", "ofrep,bulk,fanout").split(","));
        int flagCount = Integer.parseInt(spec.option("flags", "100"));
        ManagedChannel admin = BenchChannels.plaintext(spec.host(), spec.port()).build();
        FlagServiceGrpc.FlagServiceBlockingStub flags = FlagServiceGrpc.newBlockingStub(admin);
        for (int i = 0; i < flagCount; i++) {
            flags.setFlag(SetFlagRequest.newBuilder().setName("ofbench.flag." + i).setBasisPoints((i * 97) % 10_001)
                    .setCohort("ofbench").setReason("benchmark setup").build());
        }
        String token = System.getenv("ULIDMESH_TOKEN_FILE") == null ? null
                : Files.readString(Path.of(System.getenv("ULIDMESH_TOKEN_FILE"))).strip();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://" + spec.host() + ":" + spec.port();
        try (GrpcTargets targets = new GrpcTargets(spec)) {
            System.out.println(LoadResult.header());
            if (only.contains("ofrep")) {
                var stubs = targets.stubs(FlagServiceGrpc::newFutureStub);
                EvaluateRequest request = EvaluateRequest.newBuilder().setFlag("ofbench.flag.3")
                        .setEntityId("01ARZ3NDEKTSV4RRFFQ69G5FAV").build();
                LoadResult grpc = LoadGenerator.run("gRPC Evaluate", spec, Op.listenable(() -> stubs.next().evaluate(request)));
                LoadResult ofrep = LoadGenerator.run("OFREP single", spec,
                        post(http, base + "/ofrep/v1/evaluate/flags/ofbench.flag.3", token));
                System.out.printf("OFREP single / gRPC Evaluate ops/s = %.2f%n", ofrep.opsPerSecond() / grpc.opsPerSecond());
            }
            if (only.contains("bulk")) {
                var stubs = targets.stubs(ServiceGrpc::newFutureStub);
                ResolveAllRequest request = ResolveAllRequest.newBuilder().setContext(Struct.newBuilder()
                        .putFields("targetingKey", Value.newBuilder().setStringValue("01ARZ3NDEKTSV4RRFFQ69G5FAV").build())).build();
                LoadResult resolveAll = LoadGenerator.run("flagd ResolveAll " + flagCount, spec,
                        Op.listenable(() -> stubs.next().resolveAll(request)), flagCount);
                LoadResult bulk = LoadGenerator.run("OFREP bulk " + flagCount, spec,
                        post(http, base + "/ofrep/v1/evaluate/flags", token), flagCount);
                System.out.printf("OFREP bulk / flagd ResolveAll ops/s = %.2f%n", bulk.opsPerSecond() / resolveAll.opsPerSecond());
            }
        }
        if (only.contains("fanout")) {
            fanout(spec, flags, Integer.parseInt(spec.option("streams", "1000")),
                    Integer.parseInt(spec.option("changes", "20")), spec.option("pid", ""));
        }
        admin.shutdownNow();
    }

    private static Op post(HttpClient http, String url, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CONTEXT));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        return Op.async(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode());
            }
            return r;
        }));
    }

    /** One stream first (the baseline), then {@code streams} at once; {@code changes} SetFlags each. */
    private static void fanout(LoadSpec spec, FlagServiceGrpc.FlagServiceBlockingStub flags, int streams, int changes,
                               String pid) throws Exception {
        flags.setFlag(SetFlagRequest.newBuilder().setName(PROBE).setBasisPoints(1).setReason("probe").build());
        for (int n : new int[] {1, streams}) {
            long rssBefore = rss(pid);
            long heapBefore = heap(spec);
            // Vert.x serves at most 100 concurrent streams per HTTP/2 connection: 50 streams per channel
            List<ManagedChannel> channels = new ArrayList<>();
            for (int c = 0; c < (n + 49) / 50; c++) {
                channels.add(BenchChannels.plaintext(spec.host(), spec.port()).build());
            }
            AtomicLongArray seen = new AtomicLongArray(n);
            int[] lastValue = new int[n];
            CountDownLatch opened = new CountDownLatch(n);
            for (int s = 0; s < n; s++) {
                int stream = s;
                FlagSyncServiceGrpc.newStub(channels.get(s / 50)).syncFlags(SyncFlagsRequest.getDefaultInstance(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(SyncFlagsResponse value) {
                                int bp = probe(value.getFlagConfiguration());
                                if (lastValue[stream] == 0) {
                                    opened.countDown();
                                }
                                if (bp != lastValue[stream]) {
                                    lastValue[stream] = bp;
                                    seen.set(stream, System.nanoTime());
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                // ends when the benchmark closes its channels
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
            }
            if (!opened.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every stream got its first document");
            }
            Thread.sleep(2000);
            long rssAfter = rss(pid);
            long heapAfter = heap(spec);
            long[] lastSeen = new long[changes];
            for (int i = 0; i < changes; i++) {
                int bp = 2 + i + (n == 1 ? 0 : 1000);
                long start = System.nanoTime();
                flags.setFlag(SetFlagRequest.newBuilder().setName(PROBE).setBasisPoints(bp).setReason("probe").build());
                long deadline = start + TimeUnit.SECONDS.toNanos(30);
                while (!allSeen(lastValue, bp) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                long last = 0;
                for (int s = 0; s < n; s++) {
                    last = Math.max(last, seen.get(s));
                }
                lastSeen[i] = (last - start) / 1_000;
                Thread.sleep(200);
            }
            Arrays.sort(lastSeen);
            System.out.printf("sync fan-out %d stream(s), %d changes: change to last stream seeing it p50 %.1f ms,"
                            + " p99 %.1f ms, max %.1f ms%n", n, changes, lastSeen[changes / 2] / 1000.0,
                    lastSeen[(int) Math.ceil(changes * 0.99) - 1] / 1000.0, lastSeen[changes - 1] / 1000.0);
            if (rssBefore > 0) {
                System.out.printf("  service RSS %+d KiB, heap used %+d KiB for %d stream(s): %.1f KiB RSS, %.1f KiB heap per stream%n",
                        (rssAfter - rssBefore) / 1024, (heapAfter - heapBefore) / 1024, n,
                        (rssAfter - rssBefore) / 1024.0 / n, (heapAfter - heapBefore) / 1024.0 / n);
            }
            channels.forEach(ManagedChannel::shutdownNow);
            Thread.sleep(2000);
        }
    }

    private static boolean allSeen(int[] values, int bp) {
        for (int v : values) {
            if (v != bp) {
                return false;
            }
        }
        return true;
    }

    /** The probe flag's basis points in a document, found by text (parsing 1,000 documents would load the client). */
    static int probe(String document) {
        int at = document.indexOf("\"" + PROBE + "\":");
        int bp = document.indexOf("\"basisPoints\":", at);
        int end = bp + "\"basisPoints\":".length();
        int stop = end;
        while (stop < document.length() && Character.isDigit(document.charAt(stop))) {
            stop++;
        }
        return at < 0 ? -1 : Integer.parseInt(document.substring(end, stop));
    }

    private static long rss(String pid) throws Exception {
        if (pid.isEmpty()) {
            return 0;
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    /** Heap used, from the service's /q/metrics (without a forced GC, so only a rough figure). */
    private static long heap(LoadSpec spec) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + spec.host() + ":" + spec.port() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        double used = 0;
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) used;
    }
}
