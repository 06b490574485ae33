package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.FlagState;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Compare-and-set flag writes with the journal committed first, on an in-memory flag-service. */
class FlagWriterTest {
    static final String PLAN = """
            name: writes
            phases:
              - { name: canary, flags: { f: 30% }, gate: manual }
            """;

    final Controller c = new Controller();

    @Test
    void aWriteExpectsTheVersionItReadAndTheJournalHoldsThatRead() {
        c.flags.set("f", 1_000);
        RolloutRecord r = c.start(PLAN);

        assertThat(c.flags.get("f")).contains(new FlagState(3_000, 2));
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).containsExactly("flag f: 10% (v1) -> 30% (version 2)");
        Change entry = c.store.changes(r.id(), 0, 0).get(0);
        assertThat(entry.applied()).isTrue();
        assertThat(entry.prevExists()).isTrue();
        assertThat(entry.prevBasisPoints()).isEqualTo(1_000);
        assertThat(entry.prevVersion()).isEqualTo(1L);
        // the reason names the operator the controller acts for
        assertThat(c.flags.reasons).containsExactly("rollout writes (" + r.id() + ") phase canary, for alice");
    }

    @Test
    void aWriteThatLosesARaceReadsJournalsAndWritesAgainAndARollbackRestoresTheOperatorsValue() {
        c.flags.set("f", 1_000);
        AtomicBoolean once = new AtomicBoolean();
        c.flags.beforeWrite = name -> {
            if (once.compareAndSet(false, true)) {
                c.flags.set(name, 2_000);
            }
        };
        RolloutRecord r = c.start(PLAN);
        assertThat(c.flags.get("f")).contains(new FlagState(3_000, 3));

        c.actions.rollback(r.id(), "operator took over", "bob");
        assertThat(c.flags.get("f")).contains(new FlagState(2_000, 4));
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).containsExactly(
                "flag f changed since the phase's journal was taken: 10% (v1) -> 20% (v2); a rollback restores the latter",
                "flag f: 20% (v2) -> 30% (version 3)",
                "flag f restored: 30% (v3) -> 20% (value of version 2, now version 4)");
    }

    @Test
    void fiveLostRacesInARowFailTheStepAndARollbackThatLosesThemTooLeavesTheRolloutFailed() {
        c.flags.set("f", 1_000);
        AtomicInteger operatorWrites = new AtomicInteger();
        // someone sets the flag again before each of the controller's writes: 21%, 22%, ...
        c.flags.beforeWrite = name -> c.flags.set(name, 2_000 + 100 * operatorWrites.incrementAndGet());
        RolloutRecord r = c.start(PLAN);

        RolloutRecord failed = c.get(r.id());
        assertThat(failed.state()).isEqualTo(RolloutStatus.FAILED);
        assertThat(failed.phase(0).state()).isEqualTo(PhaseStatus.FAILED);
        assertThat(c.store.messages(r.id(), EventType.FAILED).get(0)).isEqualTo("phase canary failed: the flags of phase canary"
                + " changed between read and write in each of 5 attempts to set them; last: flag 'f' is at version 6, not the"
                + " expected_version 5");
        // the journal holds the last value read, 24% (v5), and restoring it loses five races as well
        assertThat(failed.lastReason()).isEqualTo("rollback failed: the flags of phase canary changed between read and write in"
                + " each of 5 attempts to restore them; last: flag 'f' is at version 11, not the expected_version 10");
        assertThat(c.metrics.rollbacks).containsExactly("failure");
        assertThat(c.flags.reasons).isEmpty();
    }

    @Test
    void aRollbackDeletesAFlagThePhaseCreatedAndLeavesAnAbsentOneAbsent() {
        RolloutRecord r = c.start("""
                name: creates
                phases:
                  - { name: one, flags: { made: on, gone: 5% }, gate: manual }
                """);
        assertThat(c.flags.get("made")).contains(new FlagState(10_000, 1));
        c.flags.delete("gone");

        c.actions.abort(r.id(), "not now", "bob");
        assertThat(c.flags.get("made")).isEmpty();
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).containsExactly(
                "flag made: absent -> on (version 1); 2 flags set together in one write",
                "flag gone: absent -> 5% (version 1); 2 flags set together in one write",
                "flag-service refused the restore of phase one (attempt 1 of 5, on the versions the phase left): flag 'gone' does"
                        + " not exist, but expected_version is 1; reading the flags again",
                "flag gone already absent, as before the phase",
                "flag made deleted: on (v1) -> absent, as before the phase");
        assertThat(c.flags.batches.get(c.flags.batches.size() - 1)).containsExactly("delete made");
    }
}
