package io.ulidmesh.flags.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.EvaluationReason;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two flag-service processes on one database: a change through either reaches watchers and evaluations of both. */
class TwoReplicasIT {
    private static String database;
    private static ServiceProcess a;
    private static ServiceProcess b;
    private static ManagedChannel toA;
    private static ManagedChannel toB;

    @BeforeAll
    static void start() {
        database = TestPostgres.createDatabase("flag_replicas");
        a = ServiceProcess.start("flag-service", database, Map.of());
        b = ServiceProcess.start("flag-service", database, Map.of());
        toA = TestChannels.to(a.port());
        toB = TestChannels.to(b.port());
    }

    @AfterAll
    static void stop() {
        toA.shutdownNow();
        toB.shutdownNow();
        a.close();
        b.close();
        TestPostgres.dropDatabase(database);
    }

    @Test
    void changesThroughEitherReplicaReachWatchersOfBothInOrder() throws Exception {
        // Watch from a known revision, so the watchers get exactly the changes after it however
        // late their streams start.
        set(toA, "replicated.marker", 1, "marker");
        long from = FlagServiceGrpc.newBlockingStub(toA).history(HistoryRequest.newBuilder()
                .setFlag("replicated.marker").setPageSize(1).build()).getChanges(0).getRevision();
        Context.CancellableContext watching = Context.current().withCancellation();
        try {
            Iterator<FlagEvent> onA = watching.call(() -> FlagServiceGrpc.newBlockingStub(toA)
                    .watch(WatchRequest.newBuilder().setAfterRevision(from).build()));
            Iterator<FlagEvent> onB = watching.call(() -> FlagServiceGrpc.newBlockingStub(toB)
                    .watch(WatchRequest.newBuilder().setAfterRevision(from).build()));
            set(toA, "replicated", 1000, "through a");
            set(toB, "replicated", 2000, "through b");
            set(toA, "replicated", 3000, "through a again");
            for (Iterator<FlagEvent> events : java.util.List.of(onA, onB)) {
                long revision = from;
                int[] expected = {1000, 2000, 3000};
                for (int bp : expected) {
                    FlagEvent e = events.next();
                    assertThat(e.getType()).isEqualTo(FlagEventType.UPSERTED);
                    assertThat(e.getFlag().getName()).isEqualTo("replicated");
                    assertThat(e.getFlag().getBasisPoints()).isEqualTo(bp);
                    assertThat(e.getRevision()).isEqualTo(revision + 1);
                    revision = e.getRevision();
                }
            }
        } finally {
            watching.cancel(null);
        }
    }

    @Test
    void evaluationsOnTheOtherReplicaFollowTheChange() throws Exception {
        set(toA, "replicated.eval", 10_000, "on via a");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        EvaluationReason reason;
        do {
            reason = FlagServiceGrpc.newBlockingStub(toB).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .evaluate(EvaluateRequest.newBuilder().setFlag("replicated.eval").setEntityId("x").build()).getReason();
            if (reason != EvaluationReason.FLAG_ON) {
                Thread.sleep(20);
            }
        } while (reason != EvaluationReason.FLAG_ON && System.nanoTime() < deadline);
        assertThat(reason).isEqualTo(EvaluationReason.FLAG_ON);
    }

    private static void set(ManagedChannel channel, String name, int bp, String reason) {
        FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(bp).setReason(reason).build());
    }
}
