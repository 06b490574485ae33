package io.ulidmesh.bench.resolution;

import com.github.f4b6a3.ulid.Ulid;
import io.ulidmesh.bench.core.LoadGenerator;
import io.ulidmesh.bench.core.LoadResult;
import io.ulidmesh.bench.core.LoadSpec;
import io.ulidmesh.bench.core.Op;
import io.ulidmesh.bench.core.ProcessCpu;
import io.ulidmesh.proto.resolution.v1.BatchResolveRequest;
import io.ulidmesh.proto.resolution.v1.EchoRequest;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.proto.resolution.v1.TraceRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the registry's costs grow with its size (BENCHMARKS.md, "Registry at scale"). For each size
 * in {@code --sizes} (ascending), in one run: fill the registry's table to that many references
 * straight in PostgreSQL (ULIDs spread over 2024–2026, so over the monthly partitions), then measure
 * Resolve and BatchResolve of random registered ULIDs (run the service with a small cache, so that
 * they reach the database), RegisterStream of new references, and Trace; Echo at Resolve's fixed
 * rate is the baseline of its tail. The last lines give each figure's cost at the largest size
 * over the smallest.
 *
 * <pre>
 * java -cp ... io.ulidmesh.bench.resolution.RegistryScaleBench --target 127.0.0.1:18681 \
 *     --jdbc jdbc:postgresql://127.0.0.1:5432/ulidmesh_bench_scale --sizes 1000000,20000000 --fixed-rate 2000
 * </pre>
 */
public final class RegistryScaleBench {
    /** 2024-01-01T00:00Z and the span of the fill's ULID times (three years), in milliseconds. */
    private static final long FROM_MS = 1_704_067_200_000L;
    private static final long SPAN_MS = 3L * 365 * 24 * 3600 * 1000;
    private static final int FILL_CHUNK = 1_000_000;

    private final LoadSpec spec;
    private final ResolutionBench bench;
    private final String jdbc;
    /** The service's own CPU (--service-pid), for figures per core-second; null when not given. */
    private final ProcessCpu serviceCpu;

    private RegistryScaleBench(LoadSpec spec) {
        this.spec = spec;
        this.bench = new ResolutionBench(spec);
        this.jdbc = spec.option("jdbc", "jdbc:postgresql://127.0.0.1:5432/ulidmesh_bench_scale");
        this.serviceCpu = ProcessCpu.of(Long.parseLong(spec.option("service-pid", "0")));
    }

    /** Runs {@code load}, and prints how many items it served per second of the service's own CPU. */
    private LoadResult perCore(String name, LoadSpec load, Op op, int itemsPerOp) {
        double before = serviceCpu == null ? 0 : serviceCpu.seconds();
        LoadResult result = LoadGenerator.run(name, load, op, itemsPerOp);
        if (serviceCpu != null) {
            double used = serviceCpu.seconds() - before;
            System.out.printf("  %s: service CPU %.2f s over %.2f s = %,.0f items per service core-second%n", name,
                    used, result.seconds(), result.ops() * (double) itemsPerOp / used);
        }
        return result;
    }

    public static void main(String[] args) throws Exception {
        LoadSpec spec = LoadSpec.parse(args);
        RegistryScaleBench scale = new RegistryScaleBench(spec);
        List<Long> sizes = new ArrayList<>();
        for (String size : spec.option("sizes", "1000000,20000000").split(",")) {
            sizes.add(Long.parseLong(size.trim()));
        }
        Map<Long, Map<String, Double>> costs = new LinkedHashMap<>();
        for (long size : sizes) {
            scale.fill(size);
            if (costs.isEmpty()) {
                // The first size would otherwise meet a colder JIT (client and service) than the others.
                System.out.println("(warm-up round at the first size, discarded)");
                scale.measure(size);
            }
            costs.put(size, scale.measure(size));
        }
        scale.report(costs);
        scale.bench.targets.close();
        System.exit(0);
    }

    /** Adds rows until the table holds {@code size} references, a million per statement, then ANALYZE. */
    private void fill(long size) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", ""); Statement st = c.createStatement()) {
            long have = count(st);
            long start = System.nanoTime();
            while (have < size) {
                long n = Math.min(FILL_CHUNK, size - have);
                // A ULID's uuid: 48 bits of milliseconds, then 80 random bits.
                st.execute("INSERT INTO reference (ulid, system, reference_type, reference, registered_by) "
                        + "SELECT (lpad(to_hex(" + FROM_MS + " + (random() * " + SPAN_MS + ")::bigint), 12, '0') "
                        + "|| substr(md5(random()::text || g), 1, 20))::uuid, 'system-' || (g % 8), 'row', "
                        + "'rows/" + have + "-' || g, 'bench-fill' FROM generate_series(1, " + n + ") g "
                        + "ON CONFLICT DO NOTHING");
                have = count(st);
                System.out.printf("filled to %,d references (%.0f s)%n", have, (System.nanoTime() - start) / 1e9);
            }
            st.execute("ANALYZE reference");
            try (ResultSet rs = st.executeQuery("SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) "
                    + "|| ' in ' || count(*) || ' partitions' FROM pg_inherits WHERE inhparent = 'reference'::regclass")) {
                rs.next();
                System.out.printf("registry of %,d references: %s%n", have, rs.getString(1));
            }
        }
    }

    private static long count(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM reference")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A uniform sample of registered ULIDs (TABLESAMPLE over every partition), as text. */
    private List<String> sample(long size, int wanted) throws Exception {
        double percent = Math.min(100, 100.0 * wanted * 1.5 / size);
        List<String> ulids = new ArrayList<>(wanted);
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ulid FROM reference TABLESAMPLE BERNOULLI (" + percent + ") LIMIT "
                     + wanted)) {
            while (rs.next()) {
                ulids.add(Ulid.from((UUID) rs.getObject(1)).toString());
            }
        }
        return ulids;
    }

    private Map<String, Double> measure(long size) throws Exception {
        String at = String.format("%,d", size);
        List<String> keys = sample(size, Integer.parseInt(spec.option("sample", "200000")));
        Map<String, Double> cost = new LinkedHashMap<>();
        Op resolve = Op.listenable(() -> bench.stubs.next().resolve(ResolveRequest.newBuilder()
                .setUlid(keys.get(ThreadLocalRandom.current().nextInt(keys.size()))).build()));
        EchoRequest ping = EchoRequest.newBuilder().setPayload("ping").build();
        Op echo = Op.listenable(() -> bench.stubs.next().echo(ping));
        LoadGenerator.run("(warm-up, discarded) Resolve", spec, resolve);
        LoadResult flat = perCore("Resolve random, " + at, spec, resolve, 1);
        cost.put("Resolve, µs per call (flat out)", 1e6 / flat.opsPerSecond());
        // Not --rate: that one paces every run of the load generator.
        long rate = Long.parseLong(spec.option("fixed-rate", "2000"));
        LoadResult echoAtRate = LoadGenerator.run("Echo at " + rate + "/s", spec.atRate(rate), echo);
        LoadResult resolveAtRate = LoadGenerator.run("Resolve random at " + rate + "/s, " + at, spec.atRate(rate), resolve);
        cost.put("Resolve p99 at " + rate + "/s, µs", (double) resolveAtRate.latencyMicros().getValueAtPercentile(99));
        System.out.printf("Resolve p99 / Echo p99 at %d/s: %.2f%n", rate,
                resolveAtRate.latencyMicros().getValueAtPercentile(99)
                        / (double) echoAtRate.latencyMicros().getValueAtPercentile(99));

        List<BatchResolveRequest> batches = new ArrayList<>();
        for (int i = 0; i + 1000 <= keys.size(); i += 1000) {
            batches.add(BatchResolveRequest.newBuilder().addAllUlids(keys.subList(i, i + 1000)).build());
        }
        LoadResult batch = perCore("BatchResolve(1000) random, " + at,
                spec.withConcurrency(Math.min(spec.concurrency(), 16)), Op.listenable(() -> bench.stubs.next()
                        .batchResolve(batches.get(ThreadLocalRandom.current().nextInt(batches.size())))), 1000);
        cost.put("BatchResolve, µs per ULID", 1e6 / batch.itemsPerSecond());

        int count = Integer.parseInt(spec.option("register-count", "100000"));
        List<List<RegisterRequest>> items = bench.freshItems(count, 4);
        long start = System.nanoTime();
        long registered = bench.streamAll(items);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-34s %,d references in %.2f s = %,.0f references/s%n", "RegisterStream, " + at,
                registered, seconds, registered / seconds);
        cost.put("RegisterStream, µs per reference", 1e6 * seconds / registered);

        List<String> origins = bench.traceClusters(20);
        Op trace = Op.listenable(() -> bench.stubs.next().trace(TraceRequest.newBuilder()
                .setUlid(origins.get(ThreadLocalRandom.current().nextInt(origins.size()))).setMaxDepth(3).build()));
        LoadResult traces = perCore("Trace depth 3, 100 related, " + at,
                spec.withConcurrency(Integer.parseInt(spec.option("trace-concurrency", "8"))), trace, 1);
        cost.put("Trace, µs per call (flat out)", 1e6 / traces.opsPerSecond());
        return cost;
    }

    private void report(Map<Long, Map<String, Double>> costs) {
        List<Long> sizes = new ArrayList<>(costs.keySet());
        long small = sizes.get(0);
        long large = sizes.get(sizes.size() - 1);
        System.out.printf("%ncost growth from %,d to %,d references (goal: at most 1.3x)%n", small, large);
        costs.get(small).forEach((figure, smallCost) -> System.out.printf("  %-40s %10.1f -> %10.1f  = %.2fx%n",
                figure, smallCost, costs.get(large).get(figure), costs.get(large).get(figure) / smallCost));
    }
}
