package io.ulidmesh.flags.it;

import io.grpc.ManagedChannel;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A flag-service process on a fresh database of its own, with an admin channel to it; closing drops both. */
final class FlagServiceUnderTest implements AutoCloseable {
    final String database;
    final ServiceProcess service;
    private final ManagedChannel channel;

    private FlagServiceUnderTest(String purpose) {
        database = TestPostgres.createDatabase(purpose);
        service = ServiceProcess.start("flag-service", database, Map.of());
        channel = TestChannels.to(service.port());
    }

    static FlagServiceUnderTest start(String purpose) {
        return new FlagServiceUnderTest(purpose);
    }

    int port() {
        return service.port();
    }

    FlagServiceGrpc.FlagServiceBlockingStub flags(long deadlineSeconds) {
        return FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        service.close();
        TestPostgres.dropDatabase(database);
    }
}
