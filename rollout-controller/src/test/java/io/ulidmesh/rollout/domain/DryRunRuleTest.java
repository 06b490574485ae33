package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import org.junit.jupiter.api.Test;

/** A rule with dry_run: true records each breach as an event and never rolls back; the rules beside it still do. */
class DryRunRuleTest {
    final Controller c = new Controller();

    @Test
    void aDryRunRuleRecordsItsBreachesAndNeverRollsBack() {
        RolloutRecord r = c.start("""
                name: dry
                signals:
                  - { name: latency, source: push }
                  - { name: errors, source: push }
                rollback:
                  - { signal: latency, above: 100, dry_run: true }
                  - { signal: errors, above: 5 }
                phases:
                  - { name: canary, flags: { f: 10% }, bake: 1h }
                """);
        for (int i = 0; i < 3; i++) {
            assertThat(c.actions.report("latency", 250, null, System.nanoTime()).rollbacks()).isEmpty();
        }
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.flags.getFlag("f").orElseThrow().basisPoints()).isEqualTo(1_000);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).hasSize(3).allSatisfy(m -> assertThat(m)
                .contains("signal latency = 250 breaches rule 'latency above 100 (dry run)'")
                .contains("dry run: it would roll back phase canary, nothing is changed"));
        // the real rule next to it still rolls back
        assertThat(c.actions.report("errors", 9, null, System.nanoTime()).rollbacks()).containsExactly(r.id());
        assertThat(c.get(r.id()).state()).isEqualTo(RolloutStatus.ROLLED_BACK);
    }

    @Test
    void dryRunIsTrueOrFalse() {
        assertThatThrownBy(() -> PlanParser.parse("""
                name: dry
                signals: [ { name: s, source: push } ]
                rollback: [ { signal: s, above: 1, dry_run: maybe } ]
                phases: [ { name: a } ]
                """)).hasMessageContaining("line 3: rollback[0].dry_run: 'maybe' is not true or false");
    }
}
