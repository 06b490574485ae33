package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.FlagState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** RollbackRollout inside a completed phase's rollback_window restores it at once; outside, only the current phase. */
class RollbackWindowTest {
    static final String PLAN = """
            name: windowed
            rollback_window: 10m
            phases:
              - { name: canary, flags: { coordinator: 10% } }
              - { name: half, flags: { coordinator: 50% }, bake: 1h }
            """;

    final Controller c = new Controller();

    /** Operator actions over the controller's parts, reading a clock fixed at {@code after} past phase 0's completion. */
    OperatorActions at(RolloutRecord r, Duration after) {
        Instant finished = c.get(r.id()).phase(0).finishedAt();
        Clock clock = Clock.fixed(finished.plus(after), ZoneOffset.UTC);
        return new OperatorActions(c.store, c.log, c.plans, c.leader::get, c.signals, c.driver, c.metrics, clock);
    }

    @Test
    void insideTheWindowTheBakingPhaseAndTheCompletedOneAreRestoredAtOnce() {
        c.flags.set("coordinator", 0);
        RolloutRecord r = c.start(PLAN);
        assertThat(r.phase(1).state()).isEqualTo(PhaseStatus.BAKING);

        RolloutRecord back = at(r, Duration.ofMinutes(9)).rollback(r.id(), "bad canary", "bob");

        assertThat(back.state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(back.currentPhase()).isEqualTo(-1);
        assertThat(back.phase(0).state()).isEqualTo(PhaseStatus.ROLLED_BACK);
        assertThat(back.phase(1).state()).isEqualTo(PhaseStatus.ROLLED_BACK);
        assertThat(c.flags.get("coordinator").map(FlagState::basisPoints)).contains(0);
        assertThat(c.store.events(r.id())).filteredOn(e -> e.type() == EventType.ROLLBACK_STARTED).hasSize(2)
                .allSatisfy(e -> {
                    assertThat(e.actor()).isEqualTo("bob");
                    assertThat(e.message()).contains("manual rollback by bob: bad canary")
                            .contains("inside the rollback_window 10m of phase canary's completion");
                });
    }

    @Test
    void outsideTheWindowOnlyTheCurrentPhaseIsRolledBackAsBefore() {
        c.flags.set("coordinator", 0);
        RolloutRecord r = c.start(PLAN);

        RolloutRecord back = at(r, Duration.ofMinutes(10)).rollback(r.id(), "bad half", "bob");

        assertThat(back.state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(back.currentPhase()).isZero();
        assertThat(back.phase(0).state()).isEqualTo(PhaseStatus.COMPLETED);
        assertThat(c.flags.get("coordinator").map(FlagState::basisPoints)).contains(1_000);
        assertThat(c.store.messages(r.id(), EventType.ROLLBACK_STARTED)).singleElement().asString()
                .isEqualTo("rolling back phase half: manual rollback by bob: bad half");
    }

    @Test
    void aPhaseWindowOverridesThePlansAndACompletedRolloutRollsBackItsLastPhase() {
        c.flags.set("coordinator", 0);
        RolloutRecord r = c.start("""
                name: done
                rollback_window: 1h
                phases:
                  - { name: only, flags: { coordinator: 10% }, rollback_window: 1m }
                """);
        assertThat(r.state()).isEqualTo(RolloutStatus.COMPLETED);

        RolloutRecord back = at(r, Duration.ofSeconds(30)).rollback(r.id(), "regret", "carol");

        assertThat(back.state()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.flags.get("coordinator").map(FlagState::basisPoints)).contains(0);
        assertThat(c.store.messages(r.id(), EventType.ROLLBACK_STARTED)).singleElement().asString()
                .contains("inside the rollback_window 1m of phase only's completion");
    }
}
