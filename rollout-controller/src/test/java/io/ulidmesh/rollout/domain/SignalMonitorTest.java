package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.plan.NoDataPolicy;
import io.ulidmesh.rollout.domain.plan.SignalSource;
import io.ulidmesh.rollout.domain.plan.SignalSpec;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.PeerHealth;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Pulled and pushed signal values fed to the rules, breach counts kept in the store, gaps never a silent pass. */
class SignalMonitorTest {
    final Controller c = new Controller();

    @Test
    void pullsPrometheusQueriesAndHealthAsOneOrZero() {
        c.sources.queries.put("up", OptionalDouble.of(0.5));
        c.sources.health.put("a:1", PeerHealth.SERVING);
        c.sources.health.put("b:1", PeerHealth.NOT_SERVING);

        assertThat(c.signals.pull(signal("p", SignalSource.PROMETHEUS, "up", ""))).hasValue(0.5);
        assertThat(c.signals.pull(signal("h", SignalSource.GRPC_HEALTH, "", "a:1"))).hasValue(1);
        assertThat(c.signals.pull(signal("h", SignalSource.GRPC_HEALTH, "", "b:1"))).hasValue(0);
        assertThatThrownBy(() -> c.signals.pull(signal("h", SignalSource.GRPC_HEALTH, "", "c:1"))).isInstanceOf(PeerFailure.class)
                .hasMessage("health check of c:1 failed: UNAVAILABLE");
    }

    @Test
    void aSourceOutsideTheAllowlistIsNeverAsked() {
        c.sources.health.put("evil:22", PeerHealth.SERVING);
        c.sources.queries.put("up", OptionalDouble.of(1));

        assertThatThrownBy(() -> c.signals.pull(signal("h", SignalSource.GRPC_HEALTH, "", "evil:22"))).isInstanceOf(PeerFailure.class)
                .hasMessage("signal h is not pulled: target: 'evil:22' is not an allowed health target"
                        + " (ulidmesh.rollout.allowed-health-targets)");
        SignalSpec elsewhere = new SignalSpec("p", SignalSource.PROMETHEUS, "up", "http://prometheus:9091", "", "", NoDataPolicy.WAIT);
        assertThatThrownBy(() -> c.signals.pull(elsewhere)).isInstanceOf(PeerFailure.class)
                .hasMessageContaining("url: 'http://prometheus:9091' is not under an allowed signal URL");
        SignalSpec file = new SignalSpec("p", SignalSource.PROMETHEUS, "up", "file:///etc/passwd", "", "", NoDataPolicy.WAIT);
        assertThatThrownBy(() -> c.signals.pull(file)).isInstanceOf(PeerFailure.class)
                .hasMessageContaining("url: must be an http or https URL, not file:");
        assertThat(c.sources.asked).isEmpty();
        // the configured Prometheus, and a path under it, are asked
        assertThat(c.signals.pull(signal("p", SignalSource.PROMETHEUS, "up", ""))).hasValue(1);
        assertThat(c.signals.pull(new SignalSpec("p", SignalSource.PROMETHEUS, "up", "http://PROMETHEUS:9090/", "", "",
                NoDataPolicy.WAIT))).hasValue(1);
        assertThat(c.sources.asked).hasSize(2);
    }

    @Test
    void aSignalWithoutDataHoldsTheBakeUnderTheWaitPolicyUntilItHasData() {
        c.sources.queries.put("rate", OptionalDouble.empty());
        RolloutRecord r = c.start("""
                name: waits
                interval: 1s
                signals:
                  - { name: rate, source: prometheus, query: rate }
                rollback:
                  - { signal: rate, above: 5 }
                phases:
                  - { name: only }
                """);
        c.driver.tick();
        assertThat(c.get(r.id()).phase(0).state()).isEqualTo(PhaseStatus.BAKING);
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_NO_DATA))
                .containsExactly("signal rate has no data (the source answered without data); policy wait");

        c.sources.queries.put("rate", OptionalDouble.of(1));
        c.tickUntil(r.id(), x -> x.state() == RolloutStatus.COMPLETED);
        assertThat(c.metrics.signals).containsEntry("rate", 1.0);
    }

    @Test
    void aGapCountsAsABreachUnderTheBreachPolicy() {
        c.sources.queries.put("ghost", OptionalDouble.empty());
        RolloutRecord r = c.start("""
                name: ghosts
                interval: 1s
                signals:
                  - { name: ghost, source: prometheus, query: ghost, on_no_data: breach }
                rollback:
                  - { signal: ghost, above: 1, for: 2 }
                phases:
                  - { name: only, bake: 1h }
                """);
        RolloutRecord back = c.tickUntil(r.id(), x -> x.state() == RolloutStatus.ROLLED_BACK);
        assertThat(back.lastReason()).isEqualTo("signal ghost has no data (the source answered without data), counted as a breach"
                + " of rule 'ghost above 1 2 times in a row' (2 in a row)");
        assertThat(c.metrics.rollbacks).containsExactly("signal");
        assertThat(c.metrics.detections).hasSize(1);
    }

    @Test
    void countsAreSavedAsTheyChangeSoANewLeaderContinuesThem() {
        RolloutRecord r = c.start(errorsAboveFive(3));
        assertThat(c.actions.report("errors", 9, null, System.nanoTime()).rollbacks()).isEmpty();
        assertThat(c.actions.report("errors", 9, null, System.nanoTime()).rollbacks()).isEmpty();
        assertThat(c.store.breachCounts(r.id(), 0, 0)).containsEntry(0, 2);

        Controller next = new Controller(c);
        assertThat(next.actions.report("errors", 9, null, System.nanoTime()).rollbacks()).containsExactly(r.id());
        assertThat(c.store.messages(r.id(), EventType.SIGNAL_BREACHED)).containsExactly(
                "signal errors = 9 breaches rule 'errors above 5 3 times in a row' (1 in a row)",
                "signal errors = 9 breaches rule 'errors above 5 3 times in a row' (2 in a row)",
                "signal errors = 9 breaches rule 'errors above 5 3 times in a row' (3 in a row)");
        // a rollback starts the counts of the next attempt from 0
        assertThat(c.store.breachCounts(r.id(), 0, 0)).isEmpty();
    }

    @Test
    void aGoodValueResetsTheSavedCount() {
        RolloutRecord r = c.start(errorsAboveFive(2));
        c.actions.report("errors", 9, null, System.nanoTime());
        c.actions.report("errors", 1, null, System.nanoTime());
        assertThat(c.store.breachCounts(r.id(), 0, 0)).isEmpty();
        assertThat(c.actions.report("errors", 9, null, System.nanoTime()).rollbacks()).isEmpty();
    }

    /** A plan that bakes for an hour, rolled back when pushed {@code errors} are above 5 {@code times} in a row. */
    static String errorsAboveFive(int times) {
        return """
                name: errors
                signals:
                  - { name: errors, source: push }
                rollback:
                  - { signal: errors, above: 5, for: %d }
                phases:
                  - { name: only, bake: 1h }
                """.formatted(times);
    }

    static SignalSpec signal(String name, SignalSource source, String query, String target) {
        return new SignalSpec(name, source, query, "", target, "", NoDataPolicy.WAIT);
    }
}
