package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Rollbacks of one phase and aborts of all, each journal entry undone once. */
class RollbackRunnerTest {
    static final String TWO_PHASES = """
            name: two
            phases:
              - { name: first, flags: { a: 10% } }
              - { name: second, flags: { a: 50%, b: on }, gate: manual }
            """;

    final Controller c = new Controller();

    @Test
    void aRollbackUndoesTheCurrentPhaseAndStopsAtThePreviousOneAndAnotherGoesOneMoreBack() {
        c.flags.set("a", 0);
        RolloutRecord r = c.start(TWO_PHASES);
        assertThat(c.get(r.id()).phase(1).state()).isEqualTo(PhaseStatus.BAKING);

        RolloutRecord back = c.actions.rollback(r.id(), "latency", "bob");
        assertThat(back.state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(back.currentPhase()).isZero();
        assertThat(back.lastReason()).isEqualTo("manual rollback by bob: latency");
        assertThat(c.flags.get("a").map(FlagState::basisPoints)).contains(1_000);
        assertThat(c.flags.get("b")).isEmpty();

        RolloutRecord further = c.actions.rollback(r.id(), "still bad", "bob");
        assertThat(further.currentPhase()).isEqualTo(-1);
        assertThat(c.flags.get("a").map(FlagState::basisPoints)).contains(0);
        assertThat(c.store.messages(r.id(), EventType.PHASE_ROLLED_BACK)).containsExactly(
                "phase second rolled back; stopped at phase first: manual rollback by bob: latency",
                "phase first rolled back; stopped at the start: manual rollback by bob: still bad");
        assertThat(c.metrics.rollbacks).containsExactly("manual", "manual");
        assertThat(c.metrics.phases).containsEntry(r.id(), -1);
    }

    @Test
    void anAbortUndoesEveryTouchedPhaseLastFirst() {
        c.flags.set("a", 0);
        RolloutRecord r = c.start(TWO_PHASES);

        RolloutRecord aborted = c.actions.abort(r.id(), "product decision", "bob");
        assertThat(aborted.state()).isEqualTo(RolloutStatus.ABORTED);
        assertThat(aborted.currentPhase()).isEqualTo(-1);
        assertThat(aborted.phases()).extracting(PhaseRecord::state).containsOnly(PhaseStatus.ROLLED_BACK);
        assertThat(c.flags.get("a").map(FlagState::basisPoints)).contains(0);
        assertThat(c.flags.get("b")).isEmpty();
        assertThat(c.store.messages(r.id(), EventType.PHASE_ROLLED_BACK)).containsExactly(
                "phase second undone: aborted by bob: product decision", "phase first undone: aborted by bob: product decision");
        assertThat(c.store.messages(r.id(), EventType.ABORTED))
                .containsExactly("rollout two aborted; every phase undone: aborted by bob: product decision");
    }

    @Test
    void aRollbackThatWaitsForAPeerUndoesNoEntryTwice() {
        c.flags.set("a", 1_000);
        RolloutRecord r = c.start("""
                name: retry
                phases:
                  - { name: only, flags: { a: 50%, b: on }, gate: manual }
                """);
        AtomicBoolean down = new AtomicBoolean(true);
        // the rollback restores a and deletes b in one write, and finds flag-service down
        c.flags.beforeWrite = name -> {
            if (name.equals("a") && down.getAndSet(false)) {
                throw new PeerFailure("SetFlag a failed: UNAVAILABLE", true, null);
            }
        };
        c.actions.rollback(r.id(), "bad", "bob");
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLING_BACK);
        // nothing half done: a still at the phase's value, b not yet deleted
        assertThat(c.flags.get("a").map(FlagState::basisPoints)).contains(5_000);
        assertThat(c.flags.get("b")).isPresent();

        c.driver.tick();
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.flags.get("a").map(FlagState::basisPoints)).contains(1_000);
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).containsExactly(
                "flag a: 10% (v1) -> 50% (version 2); 2 flags set together in one write",
                "flag b: absent -> on (version 1); 2 flags set together in one write",
                "flag b deleted: on (v1) -> absent, as before the phase; 2 flags restored together in one write",
                "flag a restored: 50% (v2) -> 10% (value of version 1, now version 3); 2 flags restored together in one write");
        assertThat(c.flags.batches).containsExactly(java.util.List.of("a", "b"), java.util.List.of("delete b", "a"));
    }
}
