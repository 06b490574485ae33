package io.ulidmesh.flags.api;

import io.grpc.ManagedChannel;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc.FlagServiceBlockingStub;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsResponse;
import io.ulidmesh.testsupport.TestChannels;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The SetFlags tests' connection to the service under test, as operator alice, and their one SetFlags call. */
abstract class SetFlagsCalls {
    protected ManagedChannel channel;
    protected FlagServiceBlockingStub flags;

    @BeforeEach
    void connect() {
        channel = TestChannels.toQuarkusTestApp();
        flags = FlagServiceGrpc.newBlockingStub(TestChannels.as(channel, "alice")).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    protected SetFlagsResponse setFlags(SetFlagRequest... each) {
        return flags.setFlags(SetFlagsRequest.newBuilder().addAllFlags(List.of(each)).build());
    }
}
