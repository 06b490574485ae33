package io.ulidmesh.migration.api;

import io.grpc.ManagedChannel;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.testsupport.TestChannels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A real gRPC client of the {@code @QuarkusTest} app, one channel per test class. */
abstract class GrpcTestBase {
    static ManagedChannel channel;
    static MigrationServiceGrpc.MigrationServiceBlockingStub stub;

    @BeforeAll
    static void connect() {
        channel = TestChannels.toQuarkusTestApp();
        stub = MigrationServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void disconnect() {
        channel.shutdownNow();
    }
}
