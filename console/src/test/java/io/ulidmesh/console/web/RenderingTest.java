package io.ulidmesh.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.ulidmesh.cli.PlanLint;
import io.ulidmesh.console.domain.LiveRollout;
import io.ulidmesh.console.domain.Trouble;
import io.ulidmesh.proto.flags.v1.Flag;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pages' pure rendering: lint at its lines, escaping, flag values, signal charts, refusals in words. */
class RenderingTest {

    @Test
    void lintProblemsAppearAtTheirLines() {
        String yaml = "name: x\nphases:\n  - name: <b>\n";
        String html = StartPages.lint(yaml, PlanLint.problems("invalid plan (2 problems): line 3: phases[0].name: '<b>' is not a name; "
                + "line 1: interval missing"));
        assertThat(html).contains("2 problems").contains("data-line=\"3\"").contains("data-line=\"1\"")
                .contains("line 3: phases[0].name: &#39;&lt;b&gt;&#39; is not a name").doesNotContain("<b>");
    }

    @Test
    void flagValuesReadAsOnOffOrAPercentage() {
        assertThat(FlagRender.value(0)).isEqualTo("off");
        assertThat(FlagRender.value(10000)).isEqualTo("on");
        assertThat(FlagRender.value(1000)).isEqualTo("10%");
        assertThat(FlagRender.value(1250)).isEqualTo("12.5%");
        assertThat(FlagRender.value(Flag.newBuilder().setBasisPoints(1).build())).isEqualTo("0.01%");
    }

    @Test
    void aSignalChartHasItsThresholdLineAndBreaches() {
        LiveRollout live = new LiveRollout();
        live.thresholds("error_rate", new LiveRollout.Thresholds(5.0, null));
        live.signals(java.util.Map.of("error_rate", 1.0), Instant.now());
        live.signals(java.util.Map.of("error_rate", 9.0), Instant.now());
        List<LiveRollout.Point> points = live.signalLines().get("error_rate");
        assertThat(points).extracting(LiveRollout.Point::breach).containsExactly(false, true);
        String svg = SignalChart.svg("error_rate", points, live.thresholds().get("error_rate"));
        assertThat(svg).contains("class=\"threshold\"").contains("class=\"breach\"").contains("rolls back above 5")
                .contains("aria-label=\"error_rate: last value 9");
    }

    @Test
    void refusalsSayTheServiceTheStatusAndWhatToDo() {
        String html = Html.trouble(Trouble.of("flag-service", Status.ABORTED
                .withDescription("flag use_v2 is at version 3, not 2").asRuntimeException()));
        assertThat(html).contains("flag-service answered ABORTED").contains("flag use_v2 is at version 3, not 2")
                .contains("What to do: Someone else changed it after you loaded the page");
        assertThat(Html.esc("<script>\"'&")).isEqualTo("&lt;script&gt;&quot;&#39;&amp;");
    }

    @Test
    void signalThresholdsAreReadFromTheGauges() {
        var reading = io.ulidmesh.console.client.SignalReaderAccess.parse("""
                # HELP ulidmesh_rollout_signal Last value of a health signal
                ulidmesh_rollout_signal{signal="error_rate"} 2.5
                ulidmesh_rollout_signal_threshold{bound="above",signal="error_rate"} 5.0
                ulidmesh_rollout_signal_threshold{bound="below",signal="throughput"} 10.0
                """);
        assertThat(reading.values()).containsEntry("error_rate", 2.5).doesNotContainKey("throughput");
        assertThat(reading.thresholds().get("error_rate")).isEqualTo(new LiveRollout.Thresholds(5.0, null));
        assertThat(reading.thresholds().get("throughput")).isEqualTo(new LiveRollout.Thresholds(null, 10.0));
    }
}
