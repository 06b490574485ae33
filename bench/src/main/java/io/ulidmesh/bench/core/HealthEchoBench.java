package io.ulidmesh.bench.core;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;

/**
 * The trivial-RPC baseline of every service: {@code grpc.health.v1.Health/Check}, flat out and then
 * at half the flat-out rate, or at each of {@code --rates r1,r2,...} (after a discarded warm-up run):
 * what the transport and the shared cores alone give a call's tail at a given load.
 * Run: {@code java -cp ... io.ulidmesh.bench.core.HealthEchoBench --target host:port [--rates 2000,10000]}.
 */
public final class HealthEchoBench {
    private HealthEchoBench() {
    }

    public static void main(String[] args) throws Exception {
        LoadSpec spec = LoadSpec.parse(args);
        try (GrpcTargets targets = new GrpcTargets(spec)) {
            System.out.println(LoadResult.header());
            String rates = spec.option("rates", "");
            if (rates.isEmpty()) {
                LoadResult flat = echo(targets, spec);
                echo(targets, spec.atRate((long) (flat.opsPerSecond() / 2)));
            } else {
                echo(targets, spec); // warm-up: client and server JIT
                echo(targets, spec);
                for (String rate : rates.split(",")) {
                    echo(targets, spec.atRate(Long.parseLong(rate.trim())));
                }
            }
        }
        System.exit(0);
    }

    /** Runs the Health/Check echo under {@code spec}; benchmarks call it for their same-run baseline. */
    public static LoadResult echo(GrpcTargets targets, LoadSpec spec) {
        var stubs = targets.stubs(HealthGrpc::newFutureStub);
        HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();
        return LoadGenerator.run("echo Health/Check", spec, Op.listenable(() -> stubs.next().check(request)));
    }
}
