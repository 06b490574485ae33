package io.ulidmesh.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.proto.rollout.v1.FlagChange;
import io.ulidmesh.proto.rollout.v1.MigrationPreview;
import io.ulidmesh.proto.rollout.v1.PhasePreview;
import io.ulidmesh.proto.rollout.v1.ReadinessCheck;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.RolloutPreview;
import io.ulidmesh.proto.rollout.v1.SignalHealth;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;
import org.junit.jupiter.api.Test;

/** The dry run's page: each phase's flags before and after, its migrations, signals against rules, readiness. */
class PreviewRenderTest {

    @Test
    void eachPhaseShowsItsFlagsBeforeAndAfterAndItsMigrations() {
        RolloutPreview p = RolloutPreview.newBuilder().setName("orders<ulid>")
                .addPhases(PhasePreview.newBuilder().setName("foundation")
                        .addFlags(FlagChange.newBuilder().setName("use_v2").setBefore("off").setBeforeVersion(3).setAfter("10%"))
                        .addFlags(FlagChange.newBuilder().setName("new_flag").setBefore("absent").setAfter("on"))
                        .addMigrations(MigrationPreview.newBuilder().setTarget("shop").setTable("orders").addSteps("expand").addSteps("backfill")
                                .setEstimate("rows: 1500, to backfill: 1500, estimate: 1 s at 2000 rows/s (throttle)")))
                .addPhases(PhasePreview.newBuilder().setName("full")
                        .addFlags(FlagChange.newBuilder().setName("use_v2").setBefore("10%").setSetByPhase("foundation").setAfter("on"))
                        .addFlags(FlagChange.newBuilder().setName("other").setError("flag-service unreachable").setAfter("off")))
                .addPhases(PhasePreview.newBuilder().setName("bake"))
                .setReadiness(ReadinessReport.newBuilder().setReady(false)
                        .addChecks(ReadinessCheck.newBuilder().setName("flag-service").setPassed(false).setDetail("UNAVAILABLE")))
                .build();

        String html = PreviewRender.preview(p);

        assertThat(html).contains("Dry run of orders&lt;ulid&gt;: nothing was created or changed").doesNotContain("<ulid>")
                .contains("data-phase=\"foundation\"><h4>Phase 1: foundation</h4>")
                .contains("<tr data-flag=\"use_v2\"><td class=\"mono\">use_v2</td><td class=\"before\">off <span class=\"hint\">v3</span></td>"
                        + "<td class=\"after\">10%</td></tr>")
                .contains("<td class=\"before\">absent</td><td class=\"after\">on</td>")
                .contains("<td class=\"steps\">expand → backfill</td><td class=\"estimate\">rows: 1500, to backfill: 1500, estimate: 1 s at 2000 rows/s (throttle)</td>")
                .contains("<td class=\"before\">10% (set by phase foundation)</td><td class=\"after\">on</td>")
                .contains("not read: flag-service unreachable")
                .contains("<h4>Phase 3: bake</h4><p>Changes nothing; bakes only.</p>")
                .contains("Readiness: <strong>not ready</strong>").contains("✘ flag-service: UNAVAILABLE");
    }

    @Test
    void signalsShowTheirValueAgainstEachRuleAndWhatWouldBreach() {
        RolloutPreview p = RolloutPreview.newBuilder().setName("x")
                .addSignals(SignalHealth.newBuilder().setName("error_rate").setHasValue(true).setValue(7.5)
                        .addThresholds(ThresholdHealth.newBuilder().setRule("error_rate above 5").setBreached(true))
                        .addThresholds(ThresholdHealth.newBuilder().setRule("error_rate below 0.1").setBreached(false)))
                .addSignals(SignalHealth.newBuilder().setName("latency").setDetail("nothing pushed yet")
                        .addThresholds(ThresholdHealth.newBuilder().setRule("latency above 300")))
                .setReadiness(ReadinessReport.newBuilder().setReady(true)).build();

        String html = PreviewRender.preview(p);

        assertThat(html).contains("<tr data-signal=\"error_rate\" class=\"bad\"><td class=\"mono\">error_rate</td><td>7.500</td>"
                        + "<td>error_rate above 5</td><td>yes: would roll back</td></tr>")
                .contains("<td>error_rate below 0.1</td><td>no</td>")
                .contains("<td>no value: nothing pushed yet</td><td>latency above 300</td><td>no</td>")
                .contains("Readiness: <strong>ready</strong>");
    }
}
