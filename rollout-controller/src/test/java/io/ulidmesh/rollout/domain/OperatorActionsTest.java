package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.plan.SignalAllowlist;
import io.ulidmesh.rollout.domain.port.FlagState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Operator actions and pushed signals: checked against the rollout's state, recorded with actor and reason. */
class OperatorActionsTest {
    static final String PUSHED = """
            name: pushed
            signals:
              - { name: errors, source: push }
            rollback:
              - { signal: errors, above: 5 }
            phases:
              - { name: canary, flags: { coordinator: 10% } }
              - { name: half, flags: { coordinator: 50%, fresh: on }, bake: 1h }
            """;

    final Controller c = new Controller();

    @Test
    void aPushedBreachRollsThePhaseBackBeforeAnsweringAndAbortUndoesTheRest() {
        c.flags.set("coordinator", 0);
        RolloutRecord r = c.start(PUSHED);
        assertThat(c.actions.report("errors", 3, null, System.nanoTime())).isEqualTo(new OperatorActions.SignalResult(1, List.of()));

        OperatorActions.SignalResult breach = c.actions.report("errors", 7.5, r.id(), System.nanoTime());
        assertThat(breach.rollbacks()).containsExactly(r.id());
        RolloutRecord back = c.get(r.id());
        assertThat(back.state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(back.currentPhase()).isZero();
        assertThat(back.lastReason()).isEqualTo("signal errors = 7.5 breaches rule 'errors above 5' (1 in a row)");
        assertThat(c.flags.get("coordinator").map(FlagState::basisPoints)).contains(1_000);
        assertThat(c.flags.get("fresh")).isEmpty();
        assertThat(c.metrics.rollbacks).containsExactly("signal");
        assertThat(c.metrics.detections).hasSize(1);
        assertThat(c.metrics.signals).containsEntry("errors", 7.5);
        assertThat(c.actions.report("errors", 50, null, System.nanoTime()).evaluated()).isZero();

        RolloutRecord resumed = c.actions.resume(r.id(), "fixed", "alice");
        assertThat(resumed.phase(1).attempt()).isEqualTo(1);
        assertThat(resumed.phase(1).state()).isEqualTo(PhaseStatus.BAKING);
        assertThat(c.store.messages(r.id(), EventType.RESUMED)).containsExactly("resumed: retrying phase half (attempt 2): fixed");

        RolloutRecord aborted = c.actions.abort(r.id(), "product decision", "alice");
        assertThat(aborted.state()).isEqualTo(RolloutStatus.ABORTED);
        assertThat(c.flags.get("coordinator").map(FlagState::basisPoints)).contains(0);
        assertThat(c.flags.get("fresh")).isEmpty();
    }

    @Test
    void pauseStopsTheBakeClockResumeRestartsItAndPromotePassesTheGate() {
        RolloutRecord r = c.start("name: gated\nphases:\n  - { name: one, bake: 1h, gate: manual }\n  - { name: two }\n");
        RolloutRecord paused = c.actions.pause(r.id(), "night freeze", "alice");
        assertThat(paused.state()).isEqualTo(RolloutStatus.PAUSED);
        assertThat(paused.phase(0).bakeUntil()).isNull();
        assertThat(paused.phase(0).bakeRemainingMs()).isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());

        RolloutRecord resumed = c.actions.resume(r.id(), "", "alice");
        assertThat(resumed.lastReason()).isEqualTo("resumed");
        assertThat(resumed.phase(0).bakeUntil()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));

        RolloutRecord promoted = c.actions.promote(r.id(), "looks good", "alice");
        assertThat(promoted.state()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(c.store.events(r.id())).filteredOn(e -> e.type() == EventType.PROMOTED).singleElement()
                .satisfies(e -> {
                    assertThat(e.actor()).isEqualTo("alice");
                    assertThat(e.message()).isEqualTo("promoted past the bake and gate of one: looks good");
                });
    }

    @Test
    void eachActionIsRefusedInTheWrongStateOrWithoutAReason() {
        RolloutRecord r = c.actions.create("name: idle\nphases:\n  - { name: a, bake: 1h }\n", false, "alice");
        String id = r.id();
        assertThat(r.state()).isEqualTo(RolloutStatus.PENDING);
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> c.actions.pause(id, "x", "alice"), "it is PENDING, not RUNNING");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.pause(id, " ", "alice"), "reason is required for PauseRollout");
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> c.actions.promote(id, "x", "alice"), "it is PENDING, not RUNNING or PAUSED");
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> c.actions.resume(id, "x", "alice"), "not PAUSED or ROLLED_BACK");
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> c.actions.rollback(id, "x", "alice"), "it is PENDING");
        c.actions.start(id, "go", "alice");
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> c.actions.start(id, "again", "alice"), "it is RUNNING, not PENDING");
        assertRefused(ErrorKind.NOT_FOUND, () -> c.actions.start("01ARZ3NDEKTSV4RRFFQ69G5FAV", "go", "alice"), "not found");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.report(" ", 1, null, 0), "name is required");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.report("e", Double.NaN, null, 0), "finite");
        assertThat(c.actions.abort(id, "stop", "alice").state()).isEqualTo(RolloutStatus.ABORTED);
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> c.actions.abort(id, "stop", "alice"), "already ABORTED");
    }

    @Test
    void aStandbyRefusesEveryActionButAnInvalidPlanIsInvalidEverywhere() {
        c.leader.set(false);
        assertRefused(ErrorKind.UNAVAILABLE, () -> c.actions.create("name: x\nphases: [ { name: a } ]\n", true, "alice"), "standby");
        assertRefused(ErrorKind.UNAVAILABLE, () -> c.actions.report("e", 1, null, 0), "standby");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.create("name: x\n", true, "alice"), "phases: missing");
    }

    @Test
    void aPushedValueIsEvaluatedOnlyByRunningRolloutsThatDeclareItAsPushed() {
        RolloutRecord declares = c.start(PUSHED);
        c.start("name: other\nsignals:\n  - { name: errors, source: prometheus, query: q }\nphases:\n  - { name: a, bake: 1h }\n");
        RolloutRecord pending = c.actions.create(PUSHED, false, "alice");

        assertThat(c.actions.report("errors", 1, null, 0).evaluated()).isEqualTo(1);
        assertThat(c.actions.report("errors", 1, pending.id(), 0).evaluated()).isZero();
        assertThat(c.actions.report("errors", 1, declares.id(), 0).evaluated()).isEqualTo(1);
    }

    @Test
    void reasonsAndSignalNamesAreOneLineAndRefusedOnesChangeNothing() {
        RolloutRecord r = c.start(PUSHED);
        String id = r.id();
        int events = c.store.events(id).size();
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.pause(id, "freeze\nINFO forged line", "alice"),
                "reason: control character U+000A at position 7 is not allowed");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.rollback(id, "\u001b[2Jgone", "alice"),
                "reason: control character U+001B");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.abort(id, "nul\u0000", "alice"), "U+0000");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.promote(id, "x".repeat(501), "alice"),
                "reason: 501 characters, more than 500");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.report("errors\u001b", 9, null, 0), "name: control character U+001B");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> c.actions.report("errors rate", 9, null, 0), "name: 'errors rate' must match");
        assertThat(c.get(id)).isEqualTo(r);
        assertThat(c.store.events(id)).hasSize(events);
        assertThat(c.metrics.signals).isEmpty();
        // the longest reason passes
        assertThat(c.actions.pause(id, "x".repeat(500), "alice").state()).isEqualTo(RolloutStatus.PAUSED);
    }

    @Test
    void gaugesCarryOnlyNamesFromPlansAndOnlyWhileARolloutIsInProgress() {
        RolloutRecord r = c.start(PUSHED);
        assertThat(c.actions.report("anything_a_pusher_likes", 1, null, 0).evaluated()).isZero();
        assertThat(c.actions.report("errors", 1, null, 0).evaluated()).isEqualTo(1);
        assertThat(c.metrics.signals).containsOnlyKeys("errors");
        assertThat(c.metrics.phases).containsEntry(r.id(), 1);
        c.actions.abort(r.id(), "done", "alice");
        assertThat(c.metrics.phases).doesNotContainKey(r.id());
        RolloutRecord done = c.start("name: quick\nphases: [ { name: a } ]\n");
        assertThat(done.state()).isEqualTo(RolloutStatus.COMPLETED);
        assertThat(c.metrics.phases).doesNotContainKey(done.id());
    }

    @Test
    void aStoredPlanWhoseSourcesAreNoLongerAllowedDoesNotStart() {
        RolloutRecord r = c.actions.create("""
                name: watched
                signals: [ { name: up, source: grpc-health, target: "svc:1" } ]
                phases: [ { name: a, bake: 1h } ]
                """, false, "alice");
        Controller narrower = new Controller(c, new SignalAllowlist(Controller.PROMETHEUS, List.of(Controller.PROMETHEUS), List.of()));
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> narrower.actions.start(r.id(), "go", "alice"), "rollout " + r.id()
                + " cannot run: its plan's signals may not be pulled: signals[0].target: 'svc:1' is not an allowed health target");
        assertThat(narrower.get(r.id()).state()).isEqualTo(RolloutStatus.PENDING);
        assertThat(c.sources.asked).isEmpty();
    }

    static void assertRefused(ErrorKind kind, ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
