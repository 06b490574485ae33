package io.ulidmesh.flags.api;

import static io.ulidmesh.flags.api.FlagServiceTest.unique;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;

import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsRequest;
import io.ulidmesh.testsupport.TestChannels;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With ulidmesh.flags.sync.inexact-percentages=refuse, SetFlag and SetFlags refuse what in-process providers cannot express. */
@QuarkusTest
@TestProfile(InProcessRefusalTest.Refusing.class)
class InProcessRefusalTest {
    public static class Refusing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ulidmesh.flags.sync.inexact-percentages", "refuse",
                    "ulidmesh.flags.sync.in-process-flags", "inproc\\..*");
        }
    }

    @Test
    void percentagesOtherThanZeroAndHundredAreFailedPreconditionAndChangeNothing() {
        ManagedChannel channel = TestChannels.toQuarkusTestApp();
        try {
            FlagServiceGrpc.FlagServiceBlockingStub flags = FlagServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            String served = unique("inproc.canary");
            String other = unique("inproc.other");
            assertStatus(Code.FAILED_PRECONDITION, () -> flags.setFlag(SetFlagRequest.newBuilder().setName(served)
                    .setPercentage(10).build()), served, "1000 basis points", "0 or 100 %");
            assertStatus(Code.FAILED_PRECONDITION, () -> flags.setFlags(SetFlagsRequest.newBuilder()
                    .addFlags(SetFlagRequest.newBuilder().setName(other).setEnabled(true))
                    .addFlags(SetFlagRequest.newBuilder().setName(served).setBasisPoints(1)).build()), "1 basis points");
            assertStatus(Code.NOT_FOUND, () -> flags.getFlag(GetFlagRequest.newBuilder().setName(served).build()));
            assertStatus(Code.NOT_FOUND, () -> flags.getFlag(GetFlagRequest.newBuilder().setName(other).build()));

            flags.setFlag(SetFlagRequest.newBuilder().setName(served).setEnabled(true).build());
            flags.setFlag(SetFlagRequest.newBuilder().setName(unique("server.side")).setPercentage(33.33).build());
        } finally {
            channel.shutdownNow();
        }
    }
}
