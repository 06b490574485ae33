package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The demo's copy of the seed's plan: faster bakes and interval, error_rate pushed, backfills throttled, nothing else changed. */
class DemoPlanTest {
    private static final Path PLAN = Path.of("..", "deploy", "plans", "ulid-ecosystem.yaml");

    @Test
    void maxSpeedBakesTwoSecondsWithAOneSecondIntervalAndPushesErrorRate() throws Exception {
        DemoPlan plan = DemoPlan.of(Files.readString(PLAN), 0, 0);
        assertThat(plan.phases).containsExactly("oneiric-foundation", "mahavishnu-workflows", "crackerjack-sqlite-migration",
                "session-buddy-duckdb-migration", "akosha-migration", "cross-system-resolution");
        assertThat(plan.bakeMillis.values()).containsOnly(DemoPlan.MAX_BAKE_MILLIS);
        assertThat(plan.intervalMillis).isEqualTo(1000);
        assertThat(plan.errorRatePushed).isTrue();
        assertThat(plan.yaml).contains("interval: 1s").doesNotContain("source: prometheus").doesNotContain("query:")
                .doesNotContain("max_rows_per_second").contains("gate: manual").contains("- { signal: resolution_error_rate, above: 1 }");
        assertThat(plan.yaml.lines().count()).isEqualTo(Files.readString(PLAN).lines().count() - 1);
    }

    @Test
    void aSpeedDividesBakesAndIntervalAndTheThrottleGoesOnEveryMigration() throws Exception {
        DemoPlan plan = DemoPlan.of(Files.readString(PLAN), 28800, 20000);
        assertThat(plan.bakeMillis).containsEntry("oneiric-foundation", 3000L).containsEntry("crackerjack-sqlite-migration", 9000L)
                .containsEntry("cross-system-resolution", 6000L);
        assertThat(plan.intervalMillis).isEqualTo(1000);
        assertThat(plan.yaml.split("max_rows_per_second: 20000 }", -1)).hasSize(4);
        assertThat(DemoPlan.of(Files.readString(PLAN), 2, 0).intervalMillis).isEqualTo(15_000);
    }

    @Test
    void durations() {
        assertThat(DemoPlan.millis("1h30m")).isEqualTo(5_400_000);
        assertThat(DemoPlan.millis("500ms")).isEqualTo(500);
        assertThat(DemoPlan.millis("2d")).isEqualTo(172_800_000);
        assertThatThrownBy(() -> DemoPlan.millis("forever")).isInstanceOf(IllegalArgumentException.class);
    }
}
