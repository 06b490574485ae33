package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Phases journaled, applied, baked and completed; peers down waited for; a restart continuing from the journal. */
class RolloutDriverTest {
    final Controller c = new Controller();

    @Test
    void phasesRunInOrderEachJournaledBeforeItChangesAnything() {
        c.flags.set("coordinator", 0);
        RolloutRecord r = c.start("""
                name: ordered
                phases:
                  - { name: canary, flags: { coordinator: 10% } }
                  - { name: full, flags: { coordinator: on, fresh: on } }
                """);

        RolloutRecord done = c.get(r.id());
        assertThat(done.state()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(done.phases()).extracting(PhaseRecord::state).containsOnly(PhaseStatus.COMPLETED);
        assertThat(c.flags.get("coordinator")).contains(new FlagState(10_000, 3));
        assertThat(c.flags.get("fresh")).contains(new FlagState(10_000, 1));
        assertThat(c.store.events(r.id())).extracting(RolloutEventRecord::type).containsExactly(EventType.CREATED,
                EventType.STARTED, EventType.PHASE_STARTED, EventType.FLAG_SET, EventType.PHASE_BAKING, EventType.PHASE_COMPLETED,
                EventType.PHASE_STARTED, EventType.FLAG_SET, EventType.FLAG_SET, EventType.PHASE_BAKING,
                EventType.PHASE_COMPLETED, EventType.COMPLETED);
        assertThat(c.store.messages(r.id(), EventType.PHASE_STARTED)).containsExactly(
                "phase canary attempt 1 starts: coordinator off (v1) -> 10%",
                "phase full attempt 1 starts: coordinator 10% (v2) -> on, fresh absent -> on");
        // a rollout that ended keeps no phase gauge
        assertThat(c.metrics.phases).doesNotContainKey(r.id());
    }

    @Test
    void aPeerThatIsDownMakesTheRolloutWaitAndItGoesOnOnceThePeerIsBack() {
        c.flags.down = new PeerFailure("GetFlag f failed: UNAVAILABLE", true, null);
        RolloutRecord r = c.start("name: waits\nphases:\n  - { name: only, flags: { f: on } }\n");
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.get(r.id()).phase(0).state()).isEqualTo(PhaseStatus.PENDING);

        c.flags.down = null;
        c.driver.tick();
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.COMPLETED);
    }

    @Test
    void aPeerThatRefusesAStepFailsThePhaseWhichIsRolledBack() {
        c.flags.set("f", 0);
        AtomicBoolean refuse = new AtomicBoolean(true);
        c.flags.beforeWrite = name -> {
            if (refuse.getAndSet(false)) {
                throw new PeerFailure("SetFlag f failed: PERMISSION_DENIED", false, null);
            }
        };
        RolloutRecord r = c.start("name: refused\nphases:\n  - { name: only, flags: { f: on } }\n");

        RolloutRecord back = c.get(r.id());
        assertThat(back.state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(back.lastReason()).isEqualTo("phase only failed: SetFlag f failed: PERMISSION_DENIED");
        assertThat(c.flags.get("f").map(FlagState::basisPoints)).contains(0);
        assertThat(c.metrics.rollbacks).containsExactly("failure");
    }

    @Test
    void aRestartedControllerContinuesFromTheJournalWithoutApplyingAnythingTwice() {
        c.flags.set("f", 0);
        RolloutRecord r = c.start("""
                name: restarted
                phases:
                  - name: only
                    flags: { f: 10% }
                    migrations: [ { target: t, table: jobs, key: id, ulid_column: u } ]
                """);
        assertThat(c.get(r.id()).phase(0).state()).isEqualTo(PhaseStatus.APPLYING);
        c.worker.finishBackfill("m1", 3);

        new Controller(c).driver.tick();
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(c.flags.get("f")).contains(new FlagState(1_000, 2));
        assertThat(c.worker.calls).filteredOn(call -> call.startsWith("create") || call.startsWith("expand")).hasSize(2);
    }

    @Test
    void aStandbyTickChangesNothingAndTheLeaderGoesOn() throws InterruptedException {
        RolloutRecord r = c.start("name: standby\nphases:\n  - { name: one, bake: 5ms }\n  - { name: two }\n");
        c.leader.set(false);
        Thread.sleep(10);
        c.driver.tick();
        assertThat(c.get(r.id()).phase(0).state()).isEqualTo(PhaseStatus.BAKING);

        c.leader.set(true);
        c.driver.tick();
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.COMPLETED);
    }
}
