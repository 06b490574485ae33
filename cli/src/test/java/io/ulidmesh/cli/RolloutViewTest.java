package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The live tree as drawn from what the streams fed it; the progress bar; the gauge parsing. */
class RolloutViewTest {
    private static final String PLAN = String.join("\n",
            "name: canary",
            "signals:",
            "  - { name: error_rate, source: push }",
            "  - { name: delivery, source: push }",
            "rollback:",
            "  - { signal: error_rate, above: 5 }",
            "  - { signal: delivery, below: 95, for: 2 }",
            "phases:",
            "  - { name: foundation, flags: { ulid_resolution: on }, bake: 30s }",
            "  - name: jobs",
            "    flags: { use_v2_coordinator: 10% }",
            "    migrations:",
            "      - { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid }",
            "    bake: 1m",
            "    gate: manual",
            "");
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private static Timestamp at(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
    }

    private static Rollout rollout() {
        return Rollout.newBuilder().setId("01JROLLOUT0000000000000000").setName("canary").setState(RolloutState.RUNNING)
                .setCurrentPhase(1).setPlanYaml(PLAN).setUpdatedAt(at(T0))
                .addPhases(Phase.newBuilder().setName("foundation").setState(PhaseState.PHASE_COMPLETED).putFlags("ulid_resolution", "on")
                        .setBakeSeconds(30))
                .addPhases(Phase.newBuilder().setName("jobs").setState(PhaseState.PHASE_BAKING).putFlags("use_v2_coordinator", "10%")
                        .setBakeSeconds(60).setManualGate(true)
                        .addMigrations(PhaseMigration.newBuilder().setTarget("crackerjack").setTable("jobs").setKey("id")
                                .setUlidColumn("job_ulid").addAllSteps(List.of("expand", "backfill", "validate"))
                                .setMigrationId("01JMIGRATION00000000000000")))
                .build();
    }

    @Test
    void theTreeShowsPhasesFlagsMigrationProgressSignalsAndEvents() {
        RolloutView view = new RolloutView();
        view.rollout(rollout());
        view.event(RolloutEvent.newBuilder().setSequence(1).setType(RolloutEventType.EVENT_CREATED).setAt(at(T0)).setMessage("created")
                .setActor("alice").build());
        view.event(RolloutEvent.newBuilder().setSequence(7).setType(RolloutEventType.EVENT_PHASE_BAKING).setPhase("jobs").setAt(at(T0))
                .setMessage("baking").build());
        view.event(RolloutEvent.newBuilder().setSequence(8).setType(RolloutEventType.EVENT_SIGNAL_BREACHED).setPhase("jobs")
                .setAt(at(T0)).setMessage("signal delivery = 90 breaches rule 'delivery below 95 2 times in a row' (1 in a row)").build());
        view.flag("ulid_resolution", Optional.of(Flag.newBuilder().setName("ulid_resolution").setBasisPoints(10_000).setVersion(3).build()));
        view.flag("use_v2_coordinator", Optional.empty());
        view.migration(MigrationProgress.newBuilder().setId("01JMIGRATION00000000000000").setState(MigrationState.BACKFILLING)
                .setRowsDone(500).setRowsTotal(2000).setRowsPerSecond(250).build());
        view.signal("error_rate", 1.5);

        String tree = String.join("\n", view.render(T0.plusSeconds(12)));

        assertThat(tree).contains("rollout 01JROLLOUT0000000000000000  canary  RUNNING  phase 2/2 jobs");
        assertThat(tree).containsPattern("├─ ✓ foundation +COMPLETED +bake 30s");
        assertThat(tree).containsPattern("│  └─ flag ulid_resolution → on +now on \\(v3\\)");
        assertThat(tree).containsPattern("└─ ▶ jobs +BAKING +baking 12s of 1m, manual gate");
        assertThat(tree).containsPattern("├─ flag use_v2_coordinator → 10% +now absent");
        assertThat(tree).contains("└─ migration crackerjack.jobs.job_ulid  expand, backfill, validate  01JMIGRATION00000000000000");
        assertThat(tree).contains("[███████░░░░░░░░░░░░░░░░░░░░░░░]  25%  500/2,000 rows  250 rows/s  ETA 6s  BACKFILLING");
        assertThat(tree).containsPattern("error_rate +1\\.5 +push +rollback above 5\n");
        assertThat(tree).containsPattern("delivery +90 +push +rollback below 95 2× in a row  BREACH");
        assertThat(tree).containsPattern("03:04:05  #8 +SIGNAL_BREACHED +jobs: signal delivery = 90");
        assertThat(tree).containsPattern("#1 +CREATED +created  \\(alice\\)");
    }

    @Test
    void aBakedPhaseAtItsGateSaysHowToPromote() {
        RolloutView view = new RolloutView();
        view.rollout(rollout());
        view.event(RolloutEvent.newBuilder().setSequence(1).setType(RolloutEventType.EVENT_PHASE_BAKING).setPhase("jobs").setAt(at(T0)).build());
        assertThat(String.join("\n", view.render(T0.plusSeconds(61))))
                .contains("waiting at its manual gate: ulidmesh rollout promote 01JROLLOUT0000000000000000 --reason ...");
    }

    @Test
    void eventsSeenTwiceCountOnceAndOnlyTheLatestAreKept() {
        RolloutView view = new RolloutView();
        view.rollout(rollout());
        for (int i = 1; i <= 20; i++) {
            assertThat(view.event(RolloutEvent.newBuilder().setSequence(i).setMessage("e" + i).build())).isTrue();
        }
        assertThat(view.event(RolloutEvent.newBuilder().setSequence(20).setMessage("again").build())).isFalse();
        List<String> tree = view.render(T0);
        assertThat(tree.stream().filter(l -> l.contains("  #")).toList()).hasSize(RolloutView.EVENTS_SHOWN)
                .last().asString().contains("#20").contains("e20");
    }

    @Test
    void theProgressBarFillsWithTheShareDoneAndEstimatesWhatIsLeft() {
        assertThat(Text.progress(0, 0, 0, 0, 10)).isEqualTo("[░░░░░░░░░░]  --%  0/? rows");
        assertThat(Text.progress(1000, 1000, 0, 0, 10)).isEqualTo("[██████████] 100%  1,000/1,000 rows");
        assertThat(Text.progress(100, 1000, 50, 0, 10)).isEqualTo("[█░░░░░░░░░]  10%  100/1,000 rows  50 rows/s  ETA 18s");
        assertThat(Text.progress(100, 1000, 50, 7, 10)).endsWith("ETA 7s");
    }

    @Test
    void signalValuesAreReadFromTheControllersGauge() {
        String exposition = String.join("\n",
                "# HELP ulidmesh_rollout_signal Last value of a health signal",
                "# TYPE ulidmesh_rollout_signal gauge",
                "ulidmesh_rollout_signal{signal=\"error_rate\"} 3.25",
                "ulidmesh_rollout_signal{application=\"x\",signal=\"delivery\"} 99.0",
                "ulidmesh_rollout_signal{signal=\"never\"} NaN",
                "ulidmesh_rollout_signal_other{signal=\"x\"} 1.0");
        assertThat(SignalGauges.parse(exposition)).isEqualTo(Map.of("error_rate", 3.25, "delivery", 99.0));
    }
}
