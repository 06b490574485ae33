package io.ulidmesh.rollout.it;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagChange;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.ListFlagsRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A phase's flags change together (flag-service's SetFlags): readers listing the flags while the
 * controller applies a three-flag phase and rolls it back, again and again, never see the phase
 * half applied or the rollback half done; a rollback's restore and its delete of a flag the phase
 * created are one revision (one Watch commit group, one History revision).
 */
class AtomicPhasesIT {
    static final List<String> FLAGS = List.of("atom_a", "atom_b", "atom_c");

    static String flagsDb;
    static String controllerDb;
    static ServiceProcess flagService;
    static ServiceProcess controller;
    static ManagedChannel flagChannel;
    static ManagedChannel controllerChannel;
    static FlagServiceGrpc.FlagServiceBlockingStub flags;
    static RolloutServiceGrpc.RolloutServiceBlockingStub rollouts;

    @BeforeAll
    static void start() {
        flagsDb = TestPostgres.createDatabase("rollout_it_atomic_flags");
        controllerDb = TestPostgres.createDatabase("rollout_it_atomic_ctl");
        flagService = ServiceProcess.start("flag-service", flagsDb, Map.of());
        controller = ServiceProcess.start("rollout-controller", controllerDb, Map.of(
                "ulidmesh.rollout.flag-service", "127.0.0.1:" + flagService.port(),
                "ulidmesh.rollout.migration-worker", "127.0.0.1:9"));
        flagChannel = TestChannels.to(flagService.port());
        controllerChannel = TestChannels.to(controller.port());
        flags = FlagServiceGrpc.newBlockingStub(TestChannels.as(flagChannel, "it-operator"));
        rollouts = RolloutServiceGrpc.newBlockingStub(TestChannels.as(controllerChannel, "it-operator"));
    }

    @AfterAll
    static void stop() {
        if (flagChannel != null) {
            flagChannel.shutdownNow();
        }
        if (controllerChannel != null) {
            controllerChannel.shutdownNow();
        }
        if (controller != null) {
            controller.close();
        }
        if (flagService != null) {
            flagService.close();
        }
        TestPostgres.dropDatabase(controllerDb);
        TestPostgres.dropDatabase(flagsDb);
    }

    @Test
    void concurrentReadersNeverSeeAPhaseHalfAppliedOrARollbackHalfDone() throws Exception {
        for (String f : FLAGS) {
            flags.setFlag(SetFlagRequest.newBuilder().setName(f).setBasisPoints(0).setReason("test setup").build());
        }
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        Set<String> torn = ConcurrentHashMap.newKeySet();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Thread> readers = List.of(reader(flagChannel, reading, reads, torn, seen), reader(flagChannel, reading, reads, torn, seen));
        readers.forEach(Thread::start);

        Rollout r = rollouts.createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: atomic
                phases:
                  - { name: tenth, flags: { atom_a: 10%, atom_b: 10%, atom_c: 10% }, bake: 0 }
                  - { name: half, flags: { atom_a: 50%, atom_b: 50%, atom_c: 50% }, bake: 1h }
                """).build());
        String id = r.getId();
        for (int round = 0; round < 8; round++) {
            await(rollouts, id, x -> x.getState() == RolloutState.RUNNING && x.getCurrentPhase() == 1
                    && x.getPhases(1).getState() == PhaseState.PHASE_BAKING);
            rollouts.rollbackRollout(RolloutActionRequest.newBuilder().setId(id).setReason("round " + round).build());
            await(rollouts, id, x -> x.getState() == RolloutState.ROLLED_BACK);
            rollouts.resumeRollout(RolloutActionRequest.newBuilder().setId(id).setReason("again").build());
        }
        await(rollouts, id, x -> x.getCurrentPhase() == 1 && x.getPhases(1).getState() == PhaseState.PHASE_BAKING);
        rollouts.abortRollout(RolloutActionRequest.newBuilder().setId(id).setReason("end of test").build());
        TimeUnit.MILLISECONDS.sleep(200);
        reading.set(false);
        for (Thread t : readers) {
            t.join(10_000);
        }

        assertThat(torn).as("reads where the three flags disagreed").isEmpty();
        assertThat(reads.get()).isGreaterThan(100);
        assertThat(seen).as("values read while phases were applied and rolled back").contains(0, 1_000, 5_000);
        var history = flags.history(HistoryRequest.newBuilder().setFlag("atom_a").build());
        assertThat(history.getChangesList()).hasSizeGreaterThan(16);
    }

    @Test
    void aRollbackRestoresAFlagAndDeletesTheFlagThePhaseCreatedInOneRevision() throws Exception {
        Flag kept = flags.setFlag(SetFlagRequest.newBuilder().setName("atom_kept").setBasisPoints(1_000).setReason("test setup")
                .build());
        String id = rollouts.createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: creates
                phases:
                  - { name: only, flags: { atom_kept: 50%, atom_new: on }, gate: manual }
                """).build()).getId();
        await(rollouts, id, x -> x.getState() == RolloutState.RUNNING && x.getPhases(0).getState() == PhaseState.PHASE_BAKING);
        long applied = flags.history(HistoryRequest.newBuilder().setFlag("atom_new").build()).getChanges(0).getRevision();
        // a watcher from the phase's revision on sees the rollback's changes as they come
        Iterator<FlagEvent> watch = FlagServiceGrpc.newBlockingStub(TestChannels.as(flagChannel, "it-viewer"))
                .withDeadlineAfter(30, TimeUnit.SECONDS).watch(WatchRequest.newBuilder().setAfterRevision(applied).build());

        rollouts.rollbackRollout(RolloutActionRequest.newBuilder().setId(id).setReason("undo").build());
        await(rollouts, id, x -> x.getState() == RolloutState.ROLLED_BACK);

        List<FlagEvent> group = List.of(watch.next(), watch.next());
        // one commit group: the restore and the delete, the first saying one more follows
        assertThat(group).extracting(FlagEvent::getRemainingInGroup).containsExactly(1, 0);
        assertThat(group).extracting(e -> e.getFlag().getName(), FlagEvent::getType).containsExactlyInAnyOrder(
                tuple("atom_new", FlagEventType.DELETED), tuple("atom_kept", FlagEventType.UPSERTED));
        assertThat(group.get(0).getRevision()).isGreaterThan(applied).isEqualTo(group.get(1).getRevision());
        assertThat(group).filteredOn(e -> e.getType() == FlagEventType.UPSERTED)
                .allSatisfy(e -> assertThat(e.getFlag().getBasisPoints()).isEqualTo(kept.getBasisPoints()));
        // History names the same revision for the restore and the delete
        FlagChange restored = flags.history(HistoryRequest.newBuilder().setFlag("atom_kept").build()).getChanges(0);
        FlagChange deleted = flags.history(HistoryRequest.newBuilder().setFlag("atom_new").build()).getChanges(0);
        assertThat(deleted.getType()).isEqualTo(FlagEventType.DELETED);
        assertThat(deleted.getRevision()).isEqualTo(restored.getRevision()).isEqualTo(group.get(0).getRevision());
        assertThat(deleted.getActor()).isEqualTo("rollout-controller");
        assertStatus(Status.Code.NOT_FOUND, () -> flags.getFlag(GetFlagRequest.newBuilder().setName("atom_new").build()));
    }

    /** Lists the flags over and over; records any read where the three do not carry one value. */
    static Thread reader(ManagedChannel channel, AtomicBoolean reading, AtomicInteger reads, Set<String> torn, Set<Integer> seen) {
        var stub = FlagServiceGrpc.newBlockingStub(TestChannels.as(channel, "it-viewer"));
        return new Thread(() -> {
            while (reading.get()) {
                List<Flag> mine = stub.listFlags(ListFlagsRequest.newBuilder().setPageSize(1000).build()).getFlagsList().stream()
                        .filter(f -> FLAGS.contains(f.getName())).toList();
                reads.incrementAndGet();
                Set<Integer> values = new java.util.HashSet<>();
                mine.forEach(f -> values.add(f.getBasisPoints()));
                seen.addAll(values);
                if (mine.size() != 3 || values.size() != 1) {
                    torn.add(mine.toString());
                }
            }
        }, "flag-reader");
    }

    static void await(RolloutServiceGrpc.RolloutServiceBlockingStub client, String id, Predicate<Rollout> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Rollout r = null;
        while (System.nanoTime() < deadline) {
            r = client.getRollout(GetRolloutRequest.newBuilder().setId(id).build());
            if (condition.test(r)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("rollout " + id + " never reached the condition; last: " + r);
    }
}
