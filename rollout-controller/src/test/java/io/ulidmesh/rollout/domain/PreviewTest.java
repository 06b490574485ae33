package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import io.ulidmesh.rollout.domain.HealthReport.SignalHealth;
import io.ulidmesh.rollout.domain.HealthReport.ThresholdHealth;
import io.ulidmesh.rollout.domain.Preview.FlagChange;
import io.ulidmesh.rollout.domain.Preview.MigrationPreview;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.MigrationEstimate;
import io.ulidmesh.rollout.domain.port.MigrationTarget;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.PeerHealth;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The whole-plan dry run over in-memory peers: what each phase would do, and nothing changed anywhere. */
class PreviewTest {
    static final String PLAN = """
            name: preview
            signals:
              - { name: p95, source: prometheus, query: p95 }
              - { name: errors, source: push }
            rollback:
              - { signal: p95, above: 250 }
              - { signal: p95, below: 1 }
              - { signal: errors, above: 5 }
            phases:
              - { name: canary, flags: { a: 10%, missing: on } }
              - name: half
                flags: { a: 50% }
                migrations: [ { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid, steps: [expand, backfill] } ]
            """;

    static final MigrationEstimate JOBS = new MigrationEstimate(1200, 1200, 500, 3, "throttle",
            List.of("expand", "backfill", "validate", "contract"));

    final Controller c = new Controller();
    final Readiness readiness = new Readiness(c.flags, c.worker, c.sources, c.signals, "flags:1", "worker:1");
    final Preview preview = new Preview(c.flags, c.worker, c.signals, readiness);

    @Test
    void showsEachPhaseFlagsBeforeAndAfterItsMigrationsEachSignalAgainstItsRulesAndReadinessAndChangesNothing() {
        c.sources.health.putAll(Map.of("flags:1", PeerHealth.SERVING, "worker:1", PeerHealth.SERVING));
        c.sources.queries.put("p95", OptionalDouble.of(300));
        c.flags.set("a", 0);
        FlagState a = c.flags.set("a", 200);
        c.worker.targets.add(new MigrationTarget("crackerjack", "SQLITE", "jdbc:sqlite:/tmp/cj.db"));
        c.worker.estimates.put("crackerjack.jobs", JOBS);

        Preview.Report report = preview.of(PLAN);

        assertThat(report.name()).isEqualTo("preview");
        assertThat(report.phases()).extracting(Preview.PhasePreview::name).containsExactly("canary", "half");
        assertThat(report.phases().get(0).flags()).containsExactly(
                new FlagChange("a", "2%", 2, "10%", "", ""),
                new FlagChange("missing", "absent", 0, "on", "", ""));
        // a flag an earlier phase sets starts from that phase's value, not flag-service's
        assertThat(report.phases().get(1).flags()).containsExactly(new FlagChange("a", "10%", 0, "50%", "canary", ""));
        assertThat(report.phases().get(0).migrations()).isEmpty();
        assertThat(report.phases().get(1).migrations()).containsExactly(new MigrationPreview("crackerjack", "jobs",
                List.of("expand", "backfill"), "rows: 1200, to backfill: 1200, estimate: 3 s at 500 rows/s (throttle)", JOBS));

        assertThat(report.signals()).extracting(SignalHealth::name, SignalHealth::value, SignalHealth::detail).containsExactly(
                tuple("p95", 300.0, "pulled now from prometheus"),
                tuple("errors", null, "no value pushed to this controller since it started"));
        assertThat(report.signals().get(0).thresholds()).containsExactly(
                new ThresholdHealth("p95 above 250", "above", 250.0, 1, 0, true, "", null, ""),
                new ThresholdHealth("p95 below 1", "below", 1.0, 1, 0, false, "", null, ""));
        assertThat(report.signals().get(1).thresholds()).containsExactly(
                new ThresholdHealth("errors above 5", "above", 5.0, 1, 0, false, "", null, ""));

        assertThat(report.readiness()).extracting(ch -> ch.name() + "=" + ch.passed() + ": " + ch.detail()).containsExactly(
                "service flag-service healthy=true: flags:1 SERVING",
                "service migration-worker healthy=true: worker:1 SERVING",
                "flag a known=true: version 2, 2%",
                "flag missing known=false: flag-service has no flag missing",
                "target crackerjack known=true: SQLITE jdbc:sqlite:/tmp/cj.db",
                "signal p95 answering=true: prometheus value 300",
                "signal errors answering=true: pushed through ReportSignal");

        assertThat(c.flags.get("a")).contains(a);
        assertThat(c.flags.get("missing")).isEmpty();
        assertThat(c.flags.reasons).isEmpty();
        assertThat(c.worker.calls).containsExactly("plan crackerjack.jobs");
        assertThat(c.worker.migrations).isEmpty();
        assertThat(c.store.list(10, null)).isEmpty();
    }

    @Test
    void aRefusedOrUnreachableWorkerIsReportedPerMigrationAndATableMigratedEarlierIsNotAskedAbout() {
        String plan = """
                name: tables
                phases:
                  - name: first
                    migrations:
                      - { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid, steps: [expand] }
                      - { target: crackerjack, table: nope, key: id, ulid_column: nope_ulid, steps: [expand] }
                  - name: second
                    migrations: [ { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid, steps: [expand, backfill] } ]
                """;
        c.worker.estimates.put("crackerjack.jobs", new MigrationEstimate(10, 10, 0, 0, "unknown: no throttle", List.of("expand")));

        Preview.Report report = preview.of(plan);

        assertThat(report.phases().get(0).migrations()).extracting(MigrationPreview::table, MigrationPreview::estimate).containsExactly(
                tuple("jobs", "rows: 10, to backfill: 10, estimate: none (unknown: no throttle)"),
                tuple("nope", "not estimated: Plan crackerjack.nope failed: FAILED_PRECONDITION no table nope"));
        assertThat(report.phases().get(1).migrations()).containsExactly(new MigrationPreview("crackerjack", "jobs",
                List.of("expand", "backfill"), "not estimated: phase first migrates crackerjack.jobs first, and the worker plans a "
                + "table only as it is now", null));
        assertThat(c.worker.calls).containsExactly("plan crackerjack.jobs", "plan crackerjack.nope");

        c.worker.down = new PeerFailure("Plan crackerjack.jobs failed: UNAVAILABLE io exception", true, null);
        assertThat(preview.of(plan).phases().get(0).migrations()).extracting(MigrationPreview::estimate).containsExactly(
                "not estimated: Plan crackerjack.jobs failed: UNAVAILABLE io exception",
                "not estimated: Plan crackerjack.jobs failed: UNAVAILABLE io exception");
        assertThat(c.worker.migrations).isEmpty();
    }

    @Test
    void aPushSignalShowsTheLastValuePushedToAnyRollout() {
        c.flags.set("a", 0);
        c.start(PLAN);
        c.actions.report("errors", 7, null, System.nanoTime());

        SignalHealth errors = preview.of(PLAN).signals().get(1);
        assertThat(errors.value()).isEqualTo(7.0);
        assertThat(errors.detail()).startsWith("pushed at ");
        assertThat(errors.thresholds()).extracting(ThresholdHealth::breached).containsExactly(true);
        assertThat(c.store.list(10, null)).hasSize(1);
    }

    @Test
    void anInvalidPlanIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> preview.of("name: x\nphases: []\n")).isInstanceOfSatisfying(DomainException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThat(c.sources.asked).isEmpty();
    }
}
