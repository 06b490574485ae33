package io.ulidmesh.bench.core;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;

/**
 * The trivial-RPC baseline of every service: {@code grpc.health.v1.Health/Check}, flat out and then
 * at half the flat-out rate. Run: {@code java -cp ... io.ulidmesh.bench.core.HealthEchoBench --target host:port}.
 */
public final class HealthEchoBench {
    private HealthEchoBench() {
    }

    public static void main(String[] args) throws Exception {
        LoadSpec spec = LoadSpec.parse(args);
        try (GrpcTargets targets = new GrpcTargets(spec)) {
            System.out.println(LoadResult.header());
            LoadResult flat = echo(targets, spec);
            echo(targets, spec.atRate((long) (flat.opsPerSecond() / 2)));
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
