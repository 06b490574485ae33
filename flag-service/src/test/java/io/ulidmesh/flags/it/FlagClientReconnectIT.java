package io.ulidmesh.flags.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.ulidmesh.flags.client.CohortHash;
import io.ulidmesh.flags.client.FlagClient;
import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestTokens;
import io.ulidmesh.testsupport.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client library against real flag-service processes: it serves its last state while the
 * service is killed, and on reconnect it resumes from its last revision without missing or
 * repeating a change made meanwhile through another replica.
 */
class FlagClientReconnectIT {
    private static String database;

    @BeforeAll
    static void database() {
        database = TestPostgres.createDatabase("flag_client");
    }

    @AfterAll
    static void drop() {
        TestPostgres.dropDatabase(database);
    }

    @Test
    void servesTheLastStateWhileDisconnectedAndResumesFromItsRevision() throws Exception {
        int port = ServiceProcess.freePort();
        ServiceProcess first = ServiceProcess.start("flag-service", database, port, Map.of());
        ServiceProcess other = ServiceProcess.start("flag-service", database, Map.of());
        ManagedChannel toOther = TestChannels.to(other.port());
        ServiceProcess restarted = null;
        List<FlagEvent> seen = new CopyOnWriteArrayList<>();
        try (FlagClient client = FlagClient.connect("127.0.0.1:" + port, TestTokens.token("crackerjack", "viewer"))) {
            client.addListener(seen::add);
            ManagedChannel toFirst = TestChannels.to(port);
            set(toFirst, "client.rollout", 2500);
            set(toFirst, "client.doomed", 10_000);
            await(() -> client.flag("client.doomed") != null, "initial state");
            assertThat(client.flag("client.rollout").basisPoints()).isEqualTo(2500);
            for (int i = 0; i < 200; i++) {
                String id = "user-" + i;
                assertThat(client.isEnabled("client.rollout", id)).isEqualTo(CohortHash.enabled("client.rollout", 2500, id));
            }
            toFirst.shutdownNow();

            first.killHard();
            await(() -> !client.isConnected(), "noticing the lost stream");
            assertThat(client.isEnabled("client.doomed", "anyone")).as("last known state while disconnected").isTrue();
            assertThat(client.flag("client.rollout").basisPoints()).isEqualTo(2500);

            // changes made meanwhile through the other replica
            set(toOther, "client.rollout", 5000);
            FlagServiceGrpc.newBlockingStub(toOther).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .deleteFlag(DeleteFlagRequest.newBuilder().setName("client.doomed").build());
            set(toOther, "client.new", 10_000);
            assertThat(client.isEnabled("client.doomed", "anyone")).isTrue();

            restarted = ServiceProcess.start("flag-service", database, port, Map.of());
            await(() -> client.flag("client.new") != null, "the changes made while disconnected");
            assertThat(client.isConnected()).isTrue();
            assertThat(client.flag("client.rollout").basisPoints()).isEqualTo(5000);
            assertThat(client.flag("client.doomed")).isNull();
            assertThat(client.isEnabled("client.doomed", "anyone")).isFalse();
            assertThat(client.isEnabled("client.new", "anyone")).isTrue();
            assertThat(client.isEnabled("never.seen", "anyone")).isFalse();

            List<Long> revisions = seen.stream().map(FlagEvent::getRevision).toList();
            assertThat(revisions).as("every change once, in order").containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(client.revision()).isEqualTo(5);
        } finally {
            toOther.shutdownNow();
            other.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    private static void set(ManagedChannel channel, String name, int bp) {
        FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(bp).build());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
