package io.ulidmesh.bench.auth;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.ulidmesh.bench.core.BenchChannels;
import io.ulidmesh.bench.core.GrpcTargets;
import io.ulidmesh.bench.core.LoadGenerator;
import io.ulidmesh.bench.core.LoadResult;
import io.ulidmesh.bench.core.LoadSpec;
import io.ulidmesh.bench.core.Op;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.resolution.v1.BatchResolveRequest;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What authentication costs on the hot paths: BatchResolve, Evaluate and BatchEvaluate against a
 * service with auth on (every call carries a bearer token, verified once and then cached) and the
 * same service with {@code ULIDMESH_AUTH=off}, in the same run, alternating which goes first each
 * round so that drift of the machine does not favour one side.
 *
 * <pre>
 * java -cp ... io.ulidmesh.bench.auth.AuthOverheadBench --token-file .mesh/secrets/admin.jwt \
 *     --resolution-on 127.0.0.1:18681 --resolution-off 127.0.0.1:18691 \
 *     --flags-on 127.0.0.1:18682 --flags-off 127.0.0.1:18692 --rounds 5 --duration 8s --warmup 3s \
 *     [--only BatchResolve,Evaluate,BatchEvaluate]
 * </pre>
 */
public final class AuthOverheadBench {
    private AuthOverheadBench() {
    }

    /** One benchmarked RPC: its name, how many calls in flight, and the op it runs on a target. */
    private record Case(String name, String side, int concurrency, Function<GrpcTargets, Op> op) {
    }

    public static void main(String[] args) throws Exception {
        LoadSpec spec = LoadSpec.parse(args);
        String token = spec.option("token-file", "");
        int rounds = Integer.parseInt(spec.option("rounds", "5"));
        Map<String, String> targets = new LinkedHashMap<>();
        for (String key : List.of("resolution-on", "resolution-off", "flags-on", "flags-off")) {
            targets.put(key, spec.option(key, ""));
        }
        List<String> ulids = prepareResolution(targets.get("resolution-on"), token);
        List<String> flags = prepareFlags(targets.get("flags-on"), token);
        prepareFlags(targets.get("flags-off"), "");

        BatchResolveRequest batchResolve = BatchResolveRequest.newBuilder().addAllUlids(ulids).build();
        EvaluateRequest evaluate = EvaluateRequest.newBuilder().setFlag(flags.get(3)).setEntityId("01ARZ3NDEKTSV4RRFFQ69G5FAV").build();
        List<String> entities = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            entities.add("entity-" + i);
        }
        BatchEvaluateRequest batchEvaluate = BatchEvaluateRequest.newBuilder().addAllFlags(flags).addAllEntityIds(entities).build();
        List<Case> all = List.of(
                new Case("BatchResolve 1000", "resolution", 8, t -> {
                    var stubs = t.stubs(ResolutionServiceGrpc::newFutureStub);
                    return Op.listenable(() -> stubs.next().batchResolve(batchResolve));
                }),
                new Case("Evaluate", "flags", spec.concurrency(), t -> {
                    var stubs = t.stubs(FlagServiceGrpc::newFutureStub);
                    return Op.listenable(() -> stubs.next().evaluate(evaluate));
                }),
                new Case("BatchEvaluate 10x1000", "flags", 4, t -> {
                    var stubs = t.stubs(FlagServiceGrpc::newFutureStub);
                    return Op.listenable(() -> stubs.next().batchEvaluate(batchEvaluate));
                }));
        List<Case> cases = all;

        List<String> only = List.of(spec.option("only", "BatchResolve,Evaluate,BatchEvaluate").split(","));
        cases = cases.stream().filter(c -> only.contains(c.name().split(" ")[0])).toList();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        Map<String, List<Double>> on = new LinkedHashMap<>();
        Map<String, List<Double>> off = new LinkedHashMap<>();
        System.out.println(LoadResult.header());
        for (int round = 0; round < rounds; round++) {
            for (Case c : cases) {
                boolean onFirst = round % 2 == 0;
                double first = run(c, spec, targets.get(c.side() + (onFirst ? "-on" : "-off")), onFirst ? token : "", onFirst);
                double second = run(c, spec, targets.get(c.side() + (onFirst ? "-off" : "-on")), onFirst ? "" : token, !onFirst);
                double withAuth = onFirst ? first : second;
                double without = onFirst ? second : first;
                on.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(withAuth);
                off.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(without);
                ratios.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(withAuth / without);
            }
        }
        System.out.printf("%n%-24s %14s %14s %18s %s%n", "RPC", "auth on ops/s", "auth off ops/s", "median on/off", "per round");
        for (Case c : cases) {
            System.out.printf("%-24s %14.0f %14.0f %18.3f %s%n", c.name(), median(on.get(c.name())), median(off.get(c.name())),
                    median(ratios.get(c.name())), ratios.get(c.name()).stream().map(r -> String.format("%.3f", r)).toList());
        }
        System.exit(0);
    }

    private static double run(Case c, LoadSpec spec, String target, String token, boolean auth) throws InterruptedException {
        int colon = target.lastIndexOf(':');
        Map<String, String> options = new LinkedHashMap<>(spec.options());
        options.put("token-file", token);
        LoadSpec side = new LoadSpec(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)), spec.duration(),
                spec.warmup(), c.concurrency(), 0, spec.channels(), options);
        try (GrpcTargets targets = new GrpcTargets(side)) {
            return LoadGenerator.run(c.name() + (auth ? " [auth on]" : " [auth off]"), side, c.op().apply(targets)).opsPerSecond();
        }
    }

    /** 1,000 registered references (both resolution processes share one database). */
    private static List<String> prepareResolution(String target, String token) {
        ManagedChannel channel = BenchChannels.withToken(NettyChannelBuilder.forTarget(target).usePlaintext(), token).build();
        try {
            var stub = ResolutionServiceGrpc.newBlockingStub(channel);
            List<String> ulids = stub.generate(GenerateRequest.newBuilder().setCount(1000).build()).getUlidsList();
            for (String ulid : ulids) {
                stub.register(RegisterRequest.newBuilder().setUlid(ulid).setSystem("bench").setReferenceType("job")
                        .setReference(ulid).build());
            }
            return ulids;
        } finally {
            channel.shutdownNow();
        }
    }

    private static List<String> prepareFlags(String target, String token) {
        ManagedChannel channel = BenchChannels.withToken(NettyChannelBuilder.forTarget(target).usePlaintext(), token).build();
        try {
            var stub = FlagServiceGrpc.newBlockingStub(channel);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String name = "bench.auth." + i;
                names.add(name);
                stub.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(1000 * i + 500).setCohort("bench")
                        .setReason("benchmark setup").build());
            }
            return names;
        } finally {
            channel.shutdownNow();
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
