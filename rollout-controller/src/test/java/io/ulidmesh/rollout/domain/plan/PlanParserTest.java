package io.ulidmesh.rollout.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PlanParserTest {
    /** The plan of docs/architecture.md ("Rollout plans"), with the query written out. */
    static final String ARCHITECTURE_EXAMPLE = """
            name: ulid-ecosystem
            interval: 5s                    # how often pulled signals are evaluated
            signals:
              - name: error_rate            # percent
                source: prometheus          # prometheus | push | grpc-health
                query: 100 * sum(rate(grpc_server_processing_duration_seconds_count{statusCode!="OK"}[1m])) / sum(rate(grpc_server_processing_duration_seconds_count[1m]))
              - name: message_delivery_success
                source: push
            rollback:
              - { signal: error_rate, above: 5, for: 1 }             # breaches in a row before rollback
              - { signal: message_delivery_success, below: 95, for: 2 }
            phases:
              - name: oneiric-foundation
                flags: { ulid_resolution: on }
                bake: 30s
              - name: coordinator-canary
                flags: { use_v2_coordinator: 10% }
                gate: manual
              - name: crackerjack-migration
                migrations:
                  - { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid, steps: [expand, backfill, validate] }
            """;

    @Test
    void readsTheArchitectureExample() {
        Plan plan = PlanParser.parse(ARCHITECTURE_EXAMPLE);
        assertThat(plan.name()).isEqualTo("ulid-ecosystem");
        assertThat(plan.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plan.signals()).extracting(SignalSpec::source).containsExactly(SignalSource.PROMETHEUS, SignalSource.PUSH);
        assertThat(plan.signals().get(0).query()).startsWith("100 * sum(rate(").contains("statusCode!=\"OK\"");
        assertThat(plan.signals().get(0).onNoData()).isEqualTo(NoDataPolicy.WAIT);
        assertThat(plan.rules()).hasSize(2);
        assertThat(plan.rules().get(0).above()).isEqualTo(5.0);
        assertThat(plan.rules().get(1).below()).isEqualTo(95.0);
        assertThat(plan.rules().get(1).forCount()).isEqualTo(2);
        assertThat(plan.rules().get(0).line()).isEqualTo(10);
        assertThat(plan.phases()).extracting(PhaseSpec::name)
                .containsExactly("oneiric-foundation", "coordinator-canary", "crackerjack-migration");
        assertThat(plan.phases().get(0).flags()).containsEntry("ulid_resolution", new FlagValue(10_000));
        assertThat(plan.phases().get(0).bake()).isEqualTo(Duration.ofSeconds(30));
        assertThat(plan.phases().get(1).flags()).containsEntry("use_v2_coordinator", new FlagValue(1_000));
        assertThat(plan.phases().get(1).manualGate()).isTrue();
        PlannedMigration m = plan.phases().get(2).migrations().get(0);
        assertThat(m.target()).isEqualTo("crackerjack");
        assertThat(m.ulidColumn()).isEqualTo("job_ulid");
        assertThat(m.steps()).containsExactly(MigrationStep.EXPAND, MigrationStep.BACKFILL, MigrationStep.VALIDATE);
    }

    @Test
    void readsTheRollbackWindowOfThePlanAndOfAPhase() {
        Plan plan = PlanParser.parse("""
                name: p
                rollback_window: 10m
                phases:
                  - { name: a, flags: { x: on } }
                  - { name: b, flags: { y: on }, rollback_window: 1h30m }
                """);
        assertThat(plan.rollbackWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(plan.rollbackWindow(0)).isEqualTo(Duration.ofMinutes(10));
        assertThat(plan.rollbackWindow(1)).isEqualTo(Duration.ofMinutes(90));
        assertThat(PlanParser.parse("name: p\nphases: [ { name: a } ]\n").rollbackWindow(0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesABadRollbackWindowAtItsLine() {
        assertThatThrownBy(() -> PlanParser.parse("""
                name: p
                rollback_window: soon
                phases:
                  - name: a
                    rollback_window: 5x
                """))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("line 2: rollback_window: 'soon' is not a duration like 500ms")
                            .contains("line 5: phases[0].rollback_window: '5x' is not a duration like 500ms");
                });
    }

    @Test
    void defaultsRuleForToOneAndIntervalToFiveSeconds() {
        Plan plan = PlanParser.parse("""
                name: p
                signals: [ { name: e, source: push } ]
                rollback: [ { signal: e, above: 1 } ]
                phases: [ { name: a, flags: { x: off } } ]
                """);
        assertThat(plan.rules().get(0).forCount()).isEqualTo(1);
        assertThat(plan.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plan.phases().get(0).flags().get("x").basisPoints()).isZero();
    }

    @Test
    void listsEveryProblemWithItsLine() {
        String yaml = """
                name: bad
                interval: soon
                signals:
                  - name: e
                    source: carrier-pigeon
                  - name: p
                    source: prometheus
                rollback:
                  - { signal: nope, above: 5 }
                  - { signal: e, above: 1, below: 2, for: 0 }
                phases:
                  - name: a
                    flags: { Bad_Name: on, y: 150%, z: 0.125% }
                    bake: 3 days
                    gate: sometimes
                  - name: a
                    migrations:
                      - { target: t, table: x, ulid_column: u, steps: [backfill] }
                    colour: blue
                """;
        assertThatThrownBy(() -> PlanParser.parse(yaml))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains(
                            "line 2: interval: 'soon' is not a duration",
                            "line 5: signals[0].source: 'carrier-pigeon' is not one of prometheus, push, grpc-health",
                            "line 6: signals[1]: a prometheus signal needs a query",
                            "line 9: rollback[0].signal: 'nope' is not declared under signals",
                            "line 10: rollback[1]: needs exactly one of above, below, above_baseline or above_signal",
                            "line 10: rollback[1].for: 0 is outside 1..1000",
                            "line 13: phases[0].flags: flag name 'Bad_Name' must match",
                            "line 13: phases[0].flags.y: '150%' is not on, off or a percentage",
                            "line 13: phases[0].flags.z: '0.125%' is not on, off or a percentage",
                            "line 14: phases[0].bake: '3 days' is not a duration",
                            "line 15: phases[0].gate: 'sometimes' is not one of manual, none",
                            "line 16: phases[1].name: phase 'a' is declared twice",
                            "line 18: phases[0].migrations[0].key: missing".replace("phases[0]", "phases[1]"),
                            "line 18: phases[1].migrations[0].steps: 'backfill' out of order",
                            "line 19: phases[1].colour: unknown field");
                    assertThat(e.getMessage()).startsWith("invalid plan (15 problems)");
                });
    }

    @Test
    void reportsYamlSyntaxWithItsLine() {
        assertThatThrownBy(() -> PlanParser.parse("name: x\nphases:\n  - name: [unclosed\n"))
                .hasMessageContaining("line 4: not valid YAML");
        assertThatThrownBy(() -> PlanParser.parse("")).hasMessageContaining("line 1: the plan is empty");
        assertThatThrownBy(() -> PlanParser.parse("- a\n- b\n")).hasMessageContaining("line 1: the plan must be a mapping");
        assertThatThrownBy(() -> PlanParser.parse("name: x\n")).hasMessageContaining("phases: missing");
    }

    static String phases(int count) {
        StringBuilder b = new StringBuilder("name: big\nphases:\n");
        for (int i = 0; i < count; i++) {
            b.append("  - { name: p").append(i).append(" }\n");
        }
        return b.toString();
    }

    @Test
    void aPlanFromARequestKeepsToTheLimits() {
        assertThat(PlanParser.parse(phases(100)).phases()).hasSize(100);
        assertThatThrownBy(() -> PlanParser.parse(phases(101))).hasMessage("invalid plan (1 problem): line 3: phases: 101 phases,"
                + " more than the 100 a plan may have");
        StringBuilder signals = new StringBuilder("name: loud\nsignals:\n");
        for (int i = 0; i < 101; i++) {
            signals.append("  - { name: s").append(i).append(", source: push }\n");
        }
        assertThatThrownBy(() -> PlanParser.parse(signals + "phases: [ { name: a } ]\n"))
                .hasMessageContaining("line 3: signals: 101 signals, more than the 100 a plan may declare");
        // 70,000 characters, but 140,000 bytes in UTF-8
        String wide = "name: wide\ndescription: " + "é".repeat(70_000) + "\nphases: [ { name: a } ]\n";
        assertThatThrownBy(() -> PlanParser.parse(wide)).hasMessage("invalid plan (1 problem): line 1: plan_yaml: the plan has more"
                + " than 131072 bytes (128 KiB)");
        assertThatThrownBy(() -> PlanParser.parse("name: fast\ninterval: 500ms\nphases: [ { name: a } ]\n"))
                .hasMessage("invalid plan (1 problem): line 2: interval: 500ms is less than the minimum of 1s");
        assertThat(PlanParser.parse("name: ok\ninterval: 1s\nphases: [ { name: a } ]\n").interval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aStoredPlanIsReadWithoutTheLimitsAddedSinceItWasAccepted() {
        assertThat(PlanParser.stored(phases(101)).phases()).hasSize(101);
        assertThat(PlanParser.stored("name: fast\ninterval: 500ms\nphases: [ { name: a } ]\n").interval())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(PlanParser.stored("name: old\nphases: [ { name: 'phase one' } ]\n").phases().get(0).name()).isEqualTo("phase one");
    }

    @Test
    void controlCharactersAreRefusedWhereverTheyHide() {
        assertThatThrownBy(() -> PlanParser.parse("name: x\nphases: [ { name: a\u0000 } ]\n")).hasMessage("invalid plan (1 problem):"
                + " plan_yaml: control character U+0000 at line 2, column 20 is not allowed (only tab and line breaks are)");
        assertThatThrownBy(() -> PlanParser.parse("name: x\nphases: [ { name: \"a\\e[31m\" } ]\n"))
                .hasMessage("invalid plan (1 problem): line 2: phases[0].name: control character U+001B at position 2 is not allowed");
        assertThatThrownBy(() -> PlanParser.parse("""
                name: x
                signals: [ { name: h, source: grpc-health, target: "a\\nforged:1" } ]
                phases: [ { name: a, migrations: [ { target: t, table: "jobs\\r", key: id, ulid_column: u } ] } ]
                """)).hasMessageContaining("line 2: signals[0].target: control character U+000A at position 2 is not allowed")
                .hasMessageContaining("line 3: phases[0].migrations[0].table: control character U+000D at position 5");
        assertThatThrownBy(() -> PlanParser.parse("name: x\ndescription: \"bell\\a\"\nphases: [ { name: a } ]\n"))
                .hasMessageContaining("line 2: description: control character U+0007 at line 1, column 5 is not allowed");
        // names become metric labels and log text: one word
        assertThatThrownBy(() -> PlanParser.parse(
                "name: x\nsignals: [ { name: 'error rate', source: push } ]\nphases: [ { name: 'a b' } ]\n"))
                .hasMessageContaining("line 2: signals[0].name: 'error rate' must match")
                .hasMessageContaining("line 3: phases[0].name: 'a b' must match");
        // queries and descriptions may span lines and hold tabs
        Plan plan = PlanParser.parse("name: x\ndescription: |\n  two\n  \tlines\nsignals:\n  - name: q\n    source: prometheus\n"
                + "    query: |\n      sum(up)\n      / 2\nphases: [ { name: a } ]\n");
        assertThat(plan.signals().get(0).query()).isEqualTo("sum(up)\n/ 2");
    }

    @Test
    void flagValuesAndDurations() {
        assertThat(FlagValue.parse("on")).contains(new FlagValue(10_000));
        assertThat(FlagValue.parse("OFF")).contains(new FlagValue(0));
        assertThat(FlagValue.parse("10%")).contains(new FlagValue(1_000));
        assertThat(FlagValue.parse("0.5%")).contains(new FlagValue(50));
        assertThat(FlagValue.parse("12.34%")).contains(new FlagValue(1_234));
        assertThat(FlagValue.parse("100%")).contains(new FlagValue(10_000));
        assertThat(FlagValue.parse("-1%")).isEmpty();
        assertThat(FlagValue.parse("10")).isEmpty();
        assertThat(FlagValue.parse("1.001%")).isEmpty();
        assertThat(new FlagValue(50).text()).isEqualTo("0.5%");
        assertThat(new FlagValue(10_000).text()).isEqualTo("on");
        assertThat(Durations.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(Durations.parse("0")).contains(Duration.ZERO);
        assertThat(Durations.parse("5")).isEmpty();
        assertThat(Durations.parse("5 min")).isEmpty();
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    }
}
