package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ulidmesh.rollout.domain.HealthReport.FlagHealth;
import io.ulidmesh.rollout.domain.HealthReport.RolloutHealth;
import io.ulidmesh.rollout.domain.HealthReport.SignalHealth;
import io.ulidmesh.rollout.domain.HealthReport.ThresholdHealth;
import io.ulidmesh.rollout.domain.port.AlertPort;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The deployment-health view over in-memory peers: it reads and never changes anything. */
class DeploymentHealthTest {
    static final String PLAN = """
            name: health
            signals:
              - { name: p95, source: prometheus, query: p95 }
              - { name: errors, source: push }
            rollback:
              - { signal: p95, above: 250 }
              - { signal: errors, above: 5, for: 3 }
              - { signal: errors, below: -1 }
            phases:
              - { name: canary, flags: { a: 10%, b: on }, bake: 1h }
              - { name: half, flags: { a: 50% } }
            """;

    final Controller c = new Controller();
    final List<AlertPort.Alert> alerts = new ArrayList<>();
    String alertSource = "http://alertmanager:9093";
    RuntimeException alertFailure;
    final AlertPort alertPort = new AlertPort() {
        @Override
        public String source() {
            return alertSource;
        }

        @Override
        public List<Alert> active() {
            if (alertFailure != null) {
                throw alertFailure;
            }
            return alerts;
        }
    };
    final DeploymentHealth health = new DeploymentHealth(c.store, c.plans, c.flags, c.signals, alertPort);

    @Test
    void showsThePhaseTheFlagsAgainstThePlanAndEachSignalAgainstItsRules() {
        c.flags.set("a", 0);
        RolloutRecord r = c.start(PLAN);
        c.sources.queries.put("p95", OptionalDouble.of(300));
        c.actions.report("errors", 7, null, System.nanoTime());
        c.flags.set("b", 0); // someone turned b off behind the rollout's back
        alerts.add(new AlertPort.Alert("RolloutStuck", "active", "warning", "stuck", Map.of("alertname", "RolloutStuck"),
                Instant.parse("2026-01-01T00:00:00Z")));
        int eventsBefore = c.store.events(r.id()).size();

        HealthReport report = health.report(null);

        assertThat(report.rollouts()).hasSize(1);
        RolloutHealth h = report.rollouts().get(0);
        assertThat(h.rollout().currentPhaseName()).isEqualTo("canary");
        assertThat(h.flags()).extracting(FlagHealth::name, FlagHealth::planned, FlagHealth::current)
                .containsExactly(tuple("a", "10%", "10%"), tuple("b", "on", "off"));
        SignalHealth p95 = h.signals().get(0);
        assertThat(p95.value()).isEqualTo(300.0);
        assertThat(p95.thresholds()).extracting(ThresholdHealth::bound, ThresholdHealth::threshold, ThresholdHealth::breached)
                .containsExactly(tuple("above", 250.0, true));
        SignalHealth errors = h.signals().get(1);
        assertThat(errors.value()).isEqualTo(7.0);
        assertThat(errors.thresholds()).extracting(ThresholdHealth::bound, ThresholdHealth::forCount, ThresholdHealth::inARow,
                ThresholdHealth::breached).containsExactly(tuple("above", 3, 1, true), tuple("below", 1, 0, false));
        assertThat(report.alerts()).extracting(AlertPort.Alert::name).containsExactly("RolloutStuck");
        assertThat(report.alertsError()).isEmpty();
        // a read: no event, no flag write, no breach counted by the pull
        assertThat(c.store.events(r.id())).hasSize(eventsBefore);
        assertThat(c.flags.getFlag("b").orElseThrow().basisPoints()).isZero();
    }

    @Test
    void unreachableSourcesAreReportedNotThrown() {
        RolloutRecord r = c.start(PLAN);
        c.flags.down = new PeerFailure("flag-service at flags:1 is unavailable", true, null);
        alertFailure = new PeerFailure("Alertmanager at http://alertmanager:9093 could not be reached", true, null);

        HealthReport report = health.report(r.id());

        RolloutHealth h = report.rollouts().get(0);
        assertThat(h.flags()).allSatisfy(f -> assertThat(f.error()).contains("unavailable"));
        assertThat(h.signals().get(0).value()).isNull();
        assertThat(h.signals().get(0).detail()).contains("did not answer");
        assertThat(h.signals().get(1).detail()).contains("no value pushed");
        assertThat(report.alertsError()).contains("could not be reached");
    }

    @Test
    void noAlertmanagerConfiguredMeansNoAlertsAndNoError() {
        alertSource = "";
        c.actions.create(PLAN, false, "alice"); // PENDING: not active, not shown
        HealthReport report = health.report(null);
        assertThat(report.rollouts()).isEmpty();
        assertThat(report.alerts()).isEmpty();
        assertThat(report.alertsError()).isEmpty();
    }
}
