package io.ulidmesh.rollout.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WatchRollout across two controller processes on one database: events the active one commits
 * reach a watcher of the standby through LISTEN/NOTIFY, in order, with no gap, replayed from any
 * sequence, and the standby's watchers go on when it takes over after a kill -9 of the active one.
 */
class WatchAcrossReplicasIT {
    static String db;
    static ServiceProcess active;
    static ServiceProcess standby;
    static final List<ManagedChannel> CHANNELS = new ArrayList<>();

    @BeforeAll
    static void start() {
        db = TestPostgres.createDatabase("rollout_it_watch");
        Map<String, String> config = Map.of("ulidmesh.rollout.flag-service", "127.0.0.1:9",
                "ulidmesh.rollout.migration-worker", "127.0.0.1:9", "ulidmesh.rollout.leader-retry", "300ms");
        active = ServiceProcess.start("rollout-controller", db, config);
        standby = ServiceProcess.start("rollout-controller", db, config);
    }

    @AfterAll
    static void stop() {
        CHANNELS.forEach(ManagedChannel::shutdownNow);
        standby.close();
        active.close();
        TestPostgres.dropDatabase(db);
    }

    static RolloutServiceGrpc.RolloutServiceBlockingStub client(ServiceProcess p) {
        ManagedChannel ch = TestChannels.to(p.port());
        CHANNELS.add(ch);
        return RolloutServiceGrpc.newBlockingStub(TestChannels.as(ch, "it-operator"));
    }

    /** Collects a watch's events as they arrive. */
    static List<RolloutEvent> watch(ServiceProcess p, String id, long after) {
        ManagedChannel ch = TestChannels.to(p.port());
        CHANNELS.add(ch);
        List<RolloutEvent> events = new CopyOnWriteArrayList<>();
        RolloutServiceGrpc.newStub(TestChannels.as(ch, "it-viewer")).watchRollout(
                WatchRolloutRequest.newBuilder().setId(id).setAfterSequence(after).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(RolloutEvent e) {
                        events.add(e);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return events;
    }

    static RolloutActionRequest action(String id, String reason) {
        return RolloutActionRequest.newBuilder().setId(id).setReason(reason).build();
    }

    @Test
    void theStandbysWatchersSeeTheActiveOnesEventsInOrderWithoutGapsAndGoOnAfterATakeover() throws Exception {
        var lead = client(active);
        Rollout r = lead.createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: watched
                signals:
                  - { name: watched_errors, source: push }
                rollback:
                  - { signal: watched_errors, above: 5 }
                phases:
                  - { name: one, bake: 1h }
                  - { name: two }
                """).build());
        List<RolloutEvent> onStandby = watch(standby, r.getId(), 0);
        List<RolloutEvent> onActive = watch(active, r.getId(), 0);
        await(() -> has(onStandby, RolloutEventType.EVENT_PHASE_BAKING, 1));

        for (int i = 1; i <= 10; i++) {
            lead.pauseRollout(action(r.getId(), "pause " + i));
            int n = i;
            // pushed, not polled: the standby's watcher has it well within a second of the commit
            awaitWithin(2_000, () -> has(onStandby, RolloutEventType.EVENT_PAUSED, n));
            lead.resumeRollout(action(r.getId(), "resume " + i));
        }
        await(() -> has(onStandby, RolloutEventType.EVENT_RESUMED, 10) && has(onActive, RolloutEventType.EVENT_RESUMED, 10));
        assertGapless(onStandby);
        assertThat(sequences(onActive)).isEqualTo(sequences(onStandby));
        assertThat(onStandby).filteredOn(e -> e.getType() == RolloutEventType.EVENT_PAUSED)
                .extracting(RolloutEvent::getMessage).startsWith("paused: pause 1").endsWith("paused: pause 10");

        // replay from any sequence: exactly the events after it
        long middle = onStandby.get(onStandby.size() / 2).getSequence();
        List<RolloutEvent> replayed = watch(standby, r.getId(), middle);
        await(() -> replayed.size() == onStandby.size() - (int) middle);
        assertThat(replayed.get(0).getSequence()).isEqualTo(middle + 1);
        assertGapless(replayed);

        // kill -9 of the active one: the standby takes over, and its open watches see what it does as leader
        int before = onStandby.size();
        active.killHard();
        var successor = client(standby);
        awaitWithin(30_000, () -> {
            try {
                successor.promoteRollout(action(r.getId(), "after the takeover"));
                return true;
            } catch (io.grpc.StatusRuntimeException e) {
                return false;
            }
        });
        await(() -> has(onStandby, RolloutEventType.EVENT_COMPLETED, 1));
        assertThat(onStandby.size()).isGreaterThan(before);
        assertGapless(onStandby);
        assertGapless(replayed);
        assertThat(replayed.get(replayed.size() - 1).getSequence()).isEqualTo(onStandby.get(onStandby.size() - 1).getSequence());
    }

    static boolean has(List<RolloutEvent> events, RolloutEventType type, int count) {
        return events.stream().filter(e -> e.getType() == type).count() >= count;
    }

    static List<Long> sequences(List<RolloutEvent> events) {
        return events.stream().map(RolloutEvent::getSequence).toList();
    }

    static void assertGapless(List<RolloutEvent> events) {
        List<Long> seq = sequences(events);
        for (int i = 1; i < seq.size(); i++) {
            assertThat(seq.get(i)).as("event after sequence %d", seq.get(i - 1)).isEqualTo(seq.get(i - 1) + 1);
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        awaitWithin(30_000, condition);
    }

    static void awaitWithin(long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + millis + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
