package io.ulidmesh.bench.resolution;

import com.github.f4b6a3.ulid.Ulid;
import com.github.f4b6a3.ulid.UlidCreator;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ulidmesh.bench.core.GrpcTargets;
import io.ulidmesh.bench.core.HealthEchoBench;
import io.ulidmesh.bench.core.LoadGenerator;
import io.ulidmesh.bench.core.LoadResult;
import io.ulidmesh.bench.core.LoadSpec;
import io.ulidmesh.bench.core.Op;
import io.ulidmesh.proto.resolution.v1.BatchResolveRequest;
import io.ulidmesh.proto.resolution.v1.EchoRequest;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.RegisterStreamResponse;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.proto.resolution.v1.TraceRequest;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.PGConnection;

/**
 * The resolution-service benchmarks of BENCHMARKS.md, each beside a baseline measured in the same run.
 *
 * <pre>
 * java -cp ... io.ulidmesh.bench.resolution.ResolutionBench --target 127.0.0.1:18681 \
 *     --jdbc jdbc:postgresql://127.0.0.1:5432/ulidmesh_bench_resolution --only generate,resolve,batch,register,trace
 * </pre>
 * The service must run with its own (disposable) database, named by {@code --jdbc}: the trace benchmark
 * fills it to a million references.
 */
public final class ResolutionBench {
    private final LoadSpec spec;
    final GrpcTargets targets;
    final GrpcTargets.RoundRobin<ResolutionServiceGrpc.ResolutionServiceFutureStub> stubs;
    private final String jdbc;

    ResolutionBench(LoadSpec spec) {
        this.spec = spec;
        this.targets = new GrpcTargets(spec);
        this.stubs = targets.stubs(ResolutionServiceGrpc::newFutureStub);
        this.jdbc = spec.option("jdbc", "jdbc:postgresql://127.0.0.1:5432/ulidmesh_bench_resolution");
    }

    public static void main(String[] args) throws Exception {
        LoadSpec spec = LoadSpec.parse(args);
        ResolutionBench bench = new ResolutionBench(spec);
        List<String> only = List.of(spec.option("only", "generate,resolve,batch,register,trace").split(","));
        System.out.println(LoadResult.header());
        if (only.contains("generate")) {
            bench.generate();
        }
        List<String> cached = only.contains("resolve") || only.contains("batch") ? bench.preload(100_000) : List.of();
        if (only.contains("resolve")) {
            bench.resolve(cached);
        }
        if (only.contains("batch")) {
            bench.batchResolve(cached);
        }
        if (only.contains("register")) {
            bench.registerStream();
        }
        if (only.contains("trace")) {
            bench.trace();
        }
        bench.targets.close();
        System.exit(0);
    }

    /** Generate in batches of 1000, beside in-process ulid-creator on one thread. */
    void generate() {
        int batch = Integer.parseInt(spec.option("generate-count", "1000"));
        GenerateRequest request = GenerateRequest.newBuilder().setCount(batch).build();
        LoadGenerator.run("Generate(" + batch + ") ULIDs", spec, Op.listenable(() -> stubs.next().generate(request)),
                batch);
        long end = System.nanoTime() + spec.duration().toNanos();
        long n = 0;
        long start = System.nanoTime();
        Ulid last = null;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                last = UlidCreator.getMonotonicUlid();
                // Generate's reply carries the text form, so the baseline makes it too.
                if (last.toString().isEmpty()) {
                    throw new IllegalStateException();
                }
            }
            n += 1000;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-34s %,.0f ULIDs/s (one thread, toString included)%n", "in-process ulid-creator", n / seconds);
    }

    /** Registers {@code count} references through RegisterStream and resolves them once so that they are cached. */
    List<String> preload(int count) throws Exception {
        List<String> ulids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ulids.add(UlidCreator.getMonotonicUlid().toString());
        }
        List<RegisterRequest> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(item(ulids.get(i), "bench-resolve", i));
        }
        RegisterStreamResponse r = stream(items);
        if (r.getErrorsCount() > 0) {
            throw new IllegalStateException("preload failed: " + r.getErrors(0));
        }
        for (int i = 0; i < count; i += 10_000) {
            stubs.next().batchResolve(BatchResolveRequest.newBuilder()
                    .addAllUlids(ulids.subList(i, Math.min(count, i + 10_000))).build()).get();
        }
        return ulids;
    }

    /**
     * Resolve of cached ULIDs flat out and at half the Echo RPC's flat-out rate, beside Echo,
     * grpc.health.v1.Health/Check and a prepared PostgreSQL point lookup.
     */
    void resolve(List<String> cached) throws Exception {
        EchoRequest ping = EchoRequest.newBuilder().setPayload("ping").build();
        Op echoOp = Op.listenable(() -> stubs.next().echo(ping));
        Op resolve = Op.listenable(() -> stubs.next().resolve(ResolveRequest.newBuilder()
                .setUlid(cached.get(ThreadLocalRandom.current().nextInt(cached.size()))).build()));
        // Whichever RPC ran first would otherwise run on a colder JIT (client and server) than the other.
        LoadGenerator.run("(warm-up, discarded) Echo", spec, echoOp);
        LoadGenerator.run("(warm-up, discarded) Resolve", spec, resolve);
        LoadResult echo = LoadGenerator.run("Echo (trivial RPC)", spec, echoOp);
        HealthEchoBench.echo(targets, spec);
        LoadResult flat = LoadGenerator.run("Resolve (cached)", spec, resolve);
        long half = (long) (echo.opsPerSecond() / 2);
        // Echo at the same rate: the tail that the transport and the shared cores add to any RPC.
        LoadGenerator.run("Echo at echo/2", spec.atRate(half), echoOp);
        LoadGenerator.run("Resolve (cached) at echo/2", spec.atRate(half), resolve);
        System.out.printf("Resolve/echo ratio: %.2f%n", flat.opsPerSecond() / echo.opsPerSecond());
        // The same pair at lower fixed rates: where a call's p99 crosses 1 ms on this machine.
        for (String rate : spec.option("tail-rates", "5000,10000,20000").split(",")) {
            long perSecond = Long.parseLong(rate.trim());
            LoadGenerator.run("Echo at " + perSecond + "/s", spec.atRate(perSecond), echoOp);
            LoadGenerator.run("Resolve (cached) at " + perSecond + "/s", spec.atRate(perSecond), resolve);
        }

        // pgbench -S style: one prepared point lookup per call, one connection per driver thread.
        int connections = Integer.parseInt(spec.option("pg-connections", "8"));
        ThreadLocal<PreparedStatement> statements = ThreadLocal.withInitial(() -> {
            try {
                Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                c.unwrap(PGConnection.class).setPrepareThreshold(1);
                return c.prepareStatement("SELECT system, reference_type, reference, metadata::text, registered_at"
                        + " FROM reference WHERE ulid = ?");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Op lookup = Op.blocking(() -> {
            PreparedStatement ps = statements.get();
            ps.setObject(1, Ulid.from(cached.get(ThreadLocalRandom.current().nextInt(cached.size()))).toUuid());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("missing row");
                }
                return rs.getString(1);
            }
        });
        LoadGenerator.run("PostgreSQL prepared point lookup", spec.withConcurrency(connections), lookup);
    }

    /** BatchResolve of 1000 cached ULIDs per call. */
    void batchResolve(List<String> cached) {
        int batch = 1000;
        List<BatchResolveRequest> requests = new ArrayList<>();
        for (int i = 0; i + batch <= cached.size(); i += batch) {
            requests.add(BatchResolveRequest.newBuilder().addAllUlids(cached.subList(i, i + batch)).build());
        }
        LoadGenerator.run("BatchResolve(1000) ULIDs", spec.withConcurrency(Math.min(spec.concurrency(), 16)),
                Op.listenable(() -> stubs.next().batchResolve(
                        requests.get(ThreadLocalRandom.current().nextInt(requests.size())))), batch);
    }

    /** RegisterStream of fresh references (durable when the response arrives), beside a raw COPY of the same rows. */
    void registerStream() throws Exception {
        int count = Integer.parseInt(spec.option("register-count", "200000"));
        int streams = Integer.parseInt(spec.option("register-streams", "4"));
        // Warm-up (discarded): the load generator's JIT, like the server's, is cold in a fresh JVM.
        streamAll(freshItems(count / 2, streams));
        List<List<RegisterRequest>> perStream = freshItems(count, streams);
        // The baseline writes other rows of the same shape into the same table, so both pay for the same
        // indexes at the same size; it goes first, so the registry it meets is the smaller one.
        List<String> copyRows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            copyRows.add(UlidCreator.getMonotonicUlid().toUuid() + "\tbench-copy\titem\tcopy-" + i + "\t{}\tanonymous\n");
        }
        double copyRate;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            long copyStart = System.nanoTime();
            long rows = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY reference (ulid, system, reference_type, reference, metadata, registered_by) FROM STDIN",
                    new StringReader(String.join("", copyRows)));
            double copySeconds = (System.nanoTime() - copyStart) / 1e9;
            copyRate = rows / copySeconds;
            System.out.printf("%-34s %,d rows in %.2f s = %,.0f rows/s (one COPY into the registry table)%n",
                    "raw COPY (same shape, same table)", rows, copySeconds, copyRate);
        }

        long clientCpuBefore = processCpuNanos();
        long start = System.nanoTime();
        long registered = streamAll(perStream);
        double seconds = (System.nanoTime() - start) / 1e9;
        double clientCpu = (processCpuNanos() - clientCpuBefore) / 1e9;
        System.out.printf("%-34s %,d references in %.2f s = %,.0f durable references/s (%d streams); RegisterStream/COPY = %.2f"
                        + "; load generator CPU %.2f s%n", "RegisterStream", registered, seconds, registered / seconds, streams,
                (registered / seconds) / copyRate, clientCpu);
    }

    /**
     * Trace at depth 3 from origins with exactly 100 related references (4, then 16, then 80), in a
     * registry filled to a million references.
     */
    void trace() throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM reference")) {
                rs.next();
                long missing = 1_000_000 - rs.getLong(1);
                if (missing > 0) {
                    st.execute("INSERT INTO reference (ulid, system, reference_type, reference, registered_by)"
                            + " SELECT gen_random_uuid(), 'bench-filler', 'row', 'r' || g, 'bench' FROM generate_series(1, "
                            + missing + ") g");
                    st.execute("ANALYZE reference");
                }
            }
        }
        List<String> origins = traceClusters(50);
        Op trace = Op.listenable(() -> stubs.next().trace(TraceRequest.newBuilder()
                .setUlid(origins.get(ThreadLocalRandom.current().nextInt(origins.size()))).setMaxDepth(3).build()));
        LoadSpec traceSpec = spec.withConcurrency(Integer.parseInt(spec.option("trace-concurrency", "8")));
        LoadResult flat = LoadGenerator.run("Trace depth 3, 100 related, 1M", traceSpec, trace);
        LoadGenerator.run("Trace at flat-out/2", traceSpec.atRate((long) (flat.opsPerSecond() / 2)), trace);
    }

    /** Registers {@code clusters} origins with exactly 100 related references each (4, then 16, then 80); returns the origins. */
    List<String> traceClusters(int clusters) throws Exception {
        List<String> origins = new ArrayList<>();
        for (int k = 0; k < clusters; k++) {
            List<RegisterRequest> items = new ArrayList<>();
            String origin = UlidCreator.getMonotonicUlid().toString();
            origins.add(origin);
            items.add(item(origin, "bench-trace", k * 1000));
            List<String> level = List.of(origin);
            int[] fanOut = {4, 4, 5};
            int n = 1;
            for (int f : fanOut) {
                List<String> next = new ArrayList<>();
                for (String parent : level) {
                    for (int i = 0; i < f; i++) {
                        String child = UlidCreator.getMonotonicUlid().toString();
                        items.add(item(child, "bench-trace", k * 1000 + n++).toBuilder().addRelatedUlids(parent).build());
                        next.add(child);
                    }
                }
                level = next;
            }
            RegisterStreamResponse r = stream(items);
            if (r.getErrorsCount() > 0) {
                throw new IllegalStateException("trace setup failed: " + r.getErrors(0));
            }
        }
        int related = stubs.next().trace(TraceRequest.newBuilder().setUlid(origins.get(0)).setMaxDepth(3).build())
                .get().getRelatedCount();
        if (related != 100) {
            throw new IllegalStateException("expected 100 related references, got " + related);
        }
        return origins;
    }

    static RegisterRequest item(String ulid, String system, long n) {
        return RegisterRequest.newBuilder().setUlid(ulid).setSystem(system).setReferenceType("job")
                .setReference("jobs/" + n).build();
    }

    /** {@code count} new references in {@code streams} equal lists. */
    List<List<RegisterRequest>> freshItems(int count, int streams) {
        List<List<RegisterRequest>> perStream = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            List<RegisterRequest> items = new ArrayList<>();
            for (int i = 0; i < count / streams; i++) {
                String ulid = UlidCreator.getMonotonicUlid().toString();
                items.add(item(ulid, spec.option("register-system", "bench-register"), s * count + i));
            }
            perStream.add(items);
        }
        return perStream;
    }

    /** Sends each list on its own RegisterStream, all at once; returns how many were registered. */
    long streamAll(List<List<RegisterRequest>> perStream) throws Exception {
        List<CompletableFuture<RegisterStreamResponse>> done = new ArrayList<>();
        for (List<RegisterRequest> items : perStream) {
            done.add(CompletableFuture.supplyAsync(() -> stream(items)));
        }
        long registered = 0;
        for (CompletableFuture<RegisterStreamResponse> f : done) {
            registered += f.get().getRegistered();
        }
        return registered;
    }

    /** CPU time of this JVM so far: the load generator's own share of the shared cores. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Streams {@code items} respecting gRPC flow control (sends only while the transport is ready). */
    RegisterStreamResponse stream(List<RegisterRequest> items) {
        CompletableFuture<RegisterStreamResponse> done = new CompletableFuture<>();
        ResolutionServiceGrpc.newStub(stubs.next().getChannel()).registerStream(
                new ClientResponseObserver<RegisterRequest, RegisterStreamResponse>() {
                    private int next;

                    @Override
                    public void beforeStart(ClientCallStreamObserver<RegisterRequest> out) {
                        out.setOnReadyHandler(() -> {
                            while (out.isReady() && next < items.size()) {
                                out.onNext(items.get(next++));
                            }
                            if (next == items.size()) {
                                next++;
                                out.onCompleted();
                            }
                        });
                    }

                    @Override
                    public void onNext(RegisterStreamResponse value) {
                        done.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return done.join();
    }
}
