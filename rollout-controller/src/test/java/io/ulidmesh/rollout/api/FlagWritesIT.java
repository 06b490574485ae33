package io.ulidmesh.rollout.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.ulidmesh.common.auth.ClientToken;
import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.FlagVersionConflict;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import io.ulidmesh.testsupport.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller's flag writes against the real flag service over gRPC: each expects a version,
 * and a write whose expected version is stale is a {@link FlagVersionConflict} that changes nothing.
 */
class FlagWritesIT {
    static String database;
    static ServiceProcess flagService;
    static ManagedChannel operatorChannel;
    static FlagServiceGrpc.FlagServiceBlockingStub operator;
    static PeerChannels channels;
    static FlagServiceClient client;

    @BeforeAll
    static void start() {
        database = TestPostgres.createDatabase("rollout_it_flag_writes");
        flagService = ServiceProcess.start("flag-service", database, Map.of());
        operatorChannel = TestChannels.to(flagService.port());
        operator = FlagServiceGrpc.newBlockingStub(TestChannels.as(operatorChannel, "it-operator"));
        channels = new PeerChannels(Duration.ofSeconds(5),
                Optional.of(new ClientToken(TestTokens.file(TestTokens.token("rollout-controller", "admin")))),
                Set.of(flagService.address()), Optional.empty());
        client = new FlagServiceClient(channels, flagService.address());
    }

    @AfterAll
    static void stop() {
        channels.close();
        operatorChannel.shutdownNow();
        flagService.close();
        TestPostgres.dropDatabase(database);
    }

    static Flag operatorSets(String name, int basisPoints) {
        return operator.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(basisPoints).setReason("operator").build());
    }

    static Flag flag(String name) {
        return operator.getFlag(GetFlagRequest.newBuilder().setName(name).build());
    }

    @Test
    void aSetExpectingAVersionTheFlagHasLeftIsAConflictAndChangesNothing() throws Exception {
        long read = operatorSets("cas_set", 1_000).getVersion();
        Flag moved = operatorSets("cas_set", 3_000);

        assertThatThrownBy(() -> client.setFlags(List.of(new FlagPort.FlagWrite("cas_set", 5_000, read, "stale write"))).get(0))
                .isInstanceOf(FlagVersionConflict.class)
                .hasMessage("SetFlags cas_set: flag 'cas_set' is at version " + moved.getVersion()
                        + ", not the expected_version " + read);
        assertThat(flag("cas_set")).isEqualTo(moved);

        FlagState set = client.setFlags(List.of(new FlagPort.FlagWrite("cas_set", 5_000, moved.getVersion(), "current write"))).get(0);
        assertThat(set).isEqualTo(new FlagState(5_000, moved.getVersion() + 1));
        assertThat(flag("cas_set").getUpdatedBy()).isEqualTo("rollout-controller");
    }

    @Test
    void aDeleteEntryExpectingAVersionTheFlagHasLeftIsAConflictAndChangesNothingAndOnTheCurrentOneDeletesWithTheSet()
            throws Exception {
        long read = operatorSets("cas_delete", 1_000).getVersion();
        Flag moved = operatorSets("cas_delete", 2_000);
        Flag kept = operatorSets("cas_delete_other", 500);

        assertThatThrownBy(() -> client.setFlags(List.of(FlagPort.FlagWrite.deletion("cas_delete", read, "stale delete"),
                new FlagPort.FlagWrite("cas_delete_other", 0, kept.getVersion(), "restore"))))
                .isInstanceOf(FlagVersionConflict.class)
                .hasMessage("SetFlags cas_delete, cas_delete_other: flag 'cas_delete' is at version " + moved.getVersion()
                        + ", not the expected_version " + read);
        assertThat(flag("cas_delete")).isEqualTo(moved);
        assertThat(flag("cas_delete_other")).isEqualTo(kept);

        List<FlagState> written = client.setFlags(List.of(FlagPort.FlagWrite.deletion("cas_delete", moved.getVersion(), "delete"),
                new FlagPort.FlagWrite("cas_delete_other", 0, kept.getVersion(), "restore")));
        // a deleted flag comes back as it was last
        assertThat(written).containsExactly(new FlagState(2_000, moved.getVersion()), new FlagState(0, kept.getVersion() + 1));
        assertThat(client.getFlag("cas_delete")).isEmpty();
        assertThatThrownBy(() -> client.setFlags(List.of(FlagPort.FlagWrite.deletion("cas_delete", moved.getVersion(), "gone"))))
                .isInstanceOf(FlagVersionConflict.class);
    }

    @Test
    void aSetExpectingAVersionOfAFlagDeletedSinceIsAConflictAndCreatesNothing() {
        long read = operatorSets("cas_gone", 1_000).getVersion();
        assertThat(client.getFlag("cas_gone")).contains(new FlagState(1_000, read));
        operator.deleteFlag(DeleteFlagRequest.newBuilder().setName("cas_gone").setReason("operator").build());

        assertThatThrownBy(() -> client.setFlags(List.of(new FlagPort.FlagWrite("cas_gone", 5_000, read, "stale write"))).get(0))
                .isInstanceOf(FlagVersionConflict.class)
                .hasMessage("SetFlags cas_gone: flag 'cas_gone' does not exist, but expected_version is " + read);
        assertThat(client.getFlag("cas_gone")).isEmpty();
    }
}
