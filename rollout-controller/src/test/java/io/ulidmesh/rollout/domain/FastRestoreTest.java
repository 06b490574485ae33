package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.FlagState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rollback restores a phase's flags in one SetFlags on the versions the journal recorded when the
 * phase set them, reading no flag; only a refused write reads them. It writes twice: the move to
 * rolling back before the restore, and after it one transaction with the marks, their events and the
 * phase rolled back; a crash before that transaction is resumed without restoring anything twice.
 */
class FastRestoreTest {
    static final String PLAN = """
            name: fast
            phases:
              - { name: only, flags: { a: 10%, b: on, c: 0.5% }, gate: manual }
            """;

    final Controller c = new Controller();

    RolloutRecord applied() {
        c.flags.set("a", 0);
        c.flags.set("b", 0);
        c.flags.set("c", 0);
        RolloutRecord r = c.start(PLAN);
        assertThat(c.store.changes(r.id(), 0, 0)).extracting(Change::appliedVersion).containsExactly(2L, 2L, 2L);
        return r;
    }

    @Test
    void aRollbackReadsNoFlagAndSavesItsMarksEventsAndTheRolledBackPhaseInOneTransaction() {
        RolloutRecord r = applied();
        int reads = c.flags.reads.size();
        int marks = c.store.markTransactions;
        int writes = c.store.transactions;
        int[] atRestore = new int[1];
        c.flags.beforeWrite = name -> atRestore[0] = c.store.transactions;

        c.actions.rollback(r.id(), "bad", "bob");
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.flags.reads).hasSize(reads);
        assertThat(atRestore[0]).isEqualTo(writes + 1);
        assertThat(c.store.transactions).isEqualTo(writes + 2);
        assertThat(c.store.markTransactions).isEqualTo(marks + 1);
        assertThat(c.store.events(r.id())).extracting(RolloutEventRecord::type).endsWith(EventType.ROLLBACK_STARTED,
                EventType.FLAG_SET, EventType.FLAG_SET, EventType.FLAG_SET, EventType.PHASE_ROLLED_BACK);
        assertThat(c.flags.batches.get(c.flags.batches.size() - 1)).containsExactly("c", "b", "a");
        assertThat(List.of("a", "b", "c")).allSatisfy(f -> assertThat(c.flags.get(f)).contains(new FlagState(0, 3)));
        assertThat(c.store.changes(r.id(), 0, 0)).allMatch(Change::restored);
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).endsWith(
                "flag c restored: 0.5% (v2) -> off (value of version 1, now version 3); 3 flags restored together in one write",
                "flag b restored: on (v2) -> off (value of version 1, now version 3); 3 flags restored together in one write",
                "flag a restored: 10% (v2) -> off (value of version 1, now version 3); 3 flags restored together in one write");
    }

    @Test
    void aFlagChangedSinceThePhaseIsAReportedConflictAndTheRestoreIsRetriedOnWhatIsRead() {
        RolloutRecord r = applied();
        c.flags.set("b", 7_000);
        int reads = c.flags.reads.size();

        c.actions.rollback(r.id(), "bad", "bob");
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.flags.reads.subList(reads, c.flags.reads.size())).containsExactly("c", "b", "a");
        assertThat(c.flags.get("b")).contains(new FlagState(0, 4));
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).endsWith(
                "flag-service refused the restore of phase only (attempt 1 of 5, on the versions the phase left): flag 'b' is at"
                        + " version 3, not the expected_version 2; reading the flags again",
                "flag c restored: 0.5% (v2) -> off (value of version 1, now version 3); 3 flags restored together in one write",
                "flag b restored: 70% (v3) -> off (value of version 1, now version 4); 3 flags restored together in one write",
                "flag a restored: 10% (v2) -> off (value of version 1, now version 3); 3 flags restored together in one write");
    }

    @Test
    void aCrashAfterTheWriteBeforeTheMarksIsResumedByFindingTheFlagsAlreadyBack() {
        RolloutRecord r = applied();
        c.store.failNextMarks = new IllegalStateException("the controller died here");
        assertThatThrownBy(() -> c.actions.rollback(r.id(), "bad", "bob")).hasMessage("the controller died here");
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLING_BACK);
        assertThat(c.get(r.id()).current().state()).isNotEqualTo(PhaseStatus.ROLLED_BACK);
        assertThat(c.store.changes(r.id(), 0, 0)).noneMatch(Change::restored);
        int writes = c.flags.batches.size();

        Controller restarted = new Controller(c);
        restarted.driver.tick();
        assertThat(restarted.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.flags.batches).hasSize(writes);
        assertThat(List.of("a", "b", "c")).allSatisfy(f -> assertThat(c.flags.get(f)).contains(new FlagState(0, 3)));
        assertThat(c.store.changes(r.id(), 0, 0)).allMatch(Change::restored);
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).endsWith(
                "flag c already at its previous value off", "flag b already at its previous value off",
                "flag a already at its previous value off");
    }

    @Test
    void anAbortRestoresEachPhaseOnTheVersionTheLaterPhasesRestoreLeftAndDeletesACreatedFlagInTheSameWriteReadingNothing() {
        c.flags.set("a", 0);
        RolloutRecord r = c.start("""
                name: two
                phases:
                  - { name: first, flags: { a: 10% } }
                  - { name: second, flags: { a: 50%, b: on }, gate: manual }
                """);
        int reads = c.flags.reads.size();

        c.actions.abort(r.id(), "no", "bob");
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ABORTED);
        assertThat(c.flags.reads).hasSize(reads);
        assertThat(c.flags.get("a")).contains(new FlagState(0, 5));
        assertThat(c.flags.get("b")).isEmpty();
        assertThat(c.flags.batches.subList(c.flags.batches.size() - 2, c.flags.batches.size()))
                .containsExactly(List.of("delete b", "a"), List.of("a"));
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).endsWith(
                "flag b deleted: on (v1) -> absent, as before the phase; 2 flags restored together in one write",
                "flag a restored: 50% (v3) -> 10% (value of version 2, now version 4); 2 flags restored together in one write",
                "flag a restored: 10% (v4) -> off (value of version 1, now version 5)");
    }

    @Test
    void aCreatedFlagIsDeletedInTheRestoresOneWriteAndACrashBeforeTheMarksFindsItGone() {
        c.flags.set("a", 0);
        RolloutRecord r = c.start("""
                name: creates
                phases:
                  - { name: only, flags: { a: 10%, made: on }, gate: manual }
                """);
        c.store.failNextMarks = new IllegalStateException("the controller died here");
        int reads = c.flags.reads.size();
        assertThatThrownBy(() -> c.actions.rollback(r.id(), "bad", "bob")).hasMessage("the controller died here");
        assertThat(c.flags.reads).hasSize(reads);
        assertThat(c.flags.batches.get(c.flags.batches.size() - 1)).containsExactly("delete made", "a");
        assertThat(c.flags.get("made")).isEmpty();
        int writes = c.flags.batches.size();

        Controller restarted = new Controller(c);
        restarted.driver.tick();
        assertThat(restarted.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        // the journal's versions are refused (both flags moved on), so the flags are read: nothing left to write
        assertThat(c.flags.batches).hasSize(writes);
        assertThat(c.flags.get("a")).contains(new FlagState(0, 3));
        assertThat(c.store.changes(r.id(), 0, 0)).allMatch(Change::restored);
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).endsWith(
                "flag-service refused the restore of phase only (attempt 1 of 5, on the versions the phase left): flag 'made' does"
                        + " not exist, but expected_version is 1; reading the flags again",
                "flag made already absent, as before the phase", "flag a already at its previous value off");
    }

    @Test
    void aCreatedFlagAnOperatorChangedSinceIsDeletedOnTheVersionReadAfterTheRefusal() {
        RolloutRecord r = c.start("""
                name: changed
                phases:
                  - { name: only, flags: { made: on }, gate: manual }
                """);
        c.flags.set("made", 2_500);

        c.actions.rollback(r.id(), "bad", "bob");
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.flags.get("made")).isEmpty();
        assertThat(c.store.messages(r.id(), EventType.FLAG_SET)).endsWith(
                "flag-service refused the restore of phase only (attempt 1 of 5, on the versions the phase left): flag 'made' is at"
                        + " version 2, not the expected_version 1; reading the flags again",
                "flag made deleted: 25% (v2) -> absent, as before the phase");
    }

    @Test
    void aBreachThatFiresWritesOnceBeforeTheRestoreItsEventTheRollbacksStartAndTheClearedCountsAndReadsNothingElse() {
        c.flags.set("a", 0);
        RolloutRecord r = c.start("""
                name: once
                signals: [ { name: errors, source: push } ]
                rollback: [ { signal: errors, above: 5, for: 2 } ]
                phases:
                  - { name: only, flags: { a: 10% }, gate: manual }
                """);
        c.actions.report("errors", 9, null, System.nanoTime());
        // the phase attempt began here, so its counts start at 0 in memory: no saved count is read
        assertThat(c.store.breachCountReads).isZero();
        assertThat(c.store.breachCounts(r.id(), 0, 0)).containsEntry(0, 1);
        int before = c.store.transactions;
        int[] atRestore = new int[1];
        c.flags.beforeWrite = name -> atRestore[0] = c.store.transactions;

        int reads = c.store.journalReads;
        c.actions.report("errors", 9, null, System.nanoTime());
        assertThat(atRestore[0]).isEqualTo(before + 1);
        // the journal and the operator come with the rollback's start: nothing else is read before the restore
        assertThat(c.store.journalReads).isEqualTo(reads);
        assertThat(c.store.transactions).isEqualTo(before + 2);
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.store.breachCounts(r.id(), 0, 0)).isEmpty();
        assertThat(c.store.events(r.id())).extracting(RolloutEventRecord::type).containsSubsequence(EventType.SIGNAL_BREACHED,
                EventType.SIGNAL_BREACHED, EventType.ROLLBACK_STARTED, EventType.FLAG_SET, EventType.PHASE_ROLLED_BACK);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).containsExactly(
                "signal errors = 9 breaches rule 'errors above 5 2 times in a row' (1 in a row)",
                "signal errors = 9 breaches rule 'errors above 5 2 times in a row' (2 in a row)");
    }
}
