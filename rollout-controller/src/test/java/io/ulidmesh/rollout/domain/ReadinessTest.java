package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import io.ulidmesh.rollout.domain.port.MigrationTarget;
import io.ulidmesh.rollout.domain.port.PeerHealth;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The checklist of a plan against in-memory peers. */
class ReadinessTest {
    static final String PLAN = """
            name: ready
            signals:
              - { name: e, source: push }
              - { name: p, source: prometheus, query: up }
              - { name: h, source: grpc-health, target: "svc:1" }
            phases:
              - { name: a, flags: { known: on, unknown: off } }
              - name: b
                migrations: [ { target: crackerjack, table: jobs, key: id, ulid_column: job_ulid } ]
            """;

    final Controller c = new Controller();
    final Readiness readiness = new Readiness(c.flags, c.worker, c.sources, c.signals, "flags:1", "worker:1");

    @Test
    void everyCheckPassesWhenThePeersAnswer() {
        c.sources.health.putAll(Map.of("flags:1", PeerHealth.SERVING, "worker:1", PeerHealth.SERVING,
                "svc:1", PeerHealth.SERVING));
        c.sources.queries.put("up", OptionalDouble.of(1));
        c.flags.set("known", 500);
        c.worker.targets.add(new MigrationTarget("crackerjack", "SQLITE", "jdbc:sqlite:/tmp/cj.db"));

        List<Readiness.Check> checks = readiness.check(PlanParser.parse(PLAN));
        assertThat(checks).extracting(ch -> ch.name() + "=" + ch.passed() + ": " + ch.detail()).containsExactly(
                "service flag-service healthy=true: flags:1 SERVING",
                "service migration-worker healthy=true: worker:1 SERVING",
                "flag known known=true: version 1, 5%",
                "flag unknown known=false: flag-service has no flag unknown",
                "target crackerjack known=true: SQLITE jdbc:sqlite:/tmp/cj.db",
                "signal e answering=true: pushed through ReportSignal",
                "signal p answering=true: prometheus value 1",
                "signal h answering=true: grpc-health value 1");
    }

    @Test
    void aPlanNamingSourcesOutsideTheAllowlistIsRefusedBeforeAnyRequest() {
        c.sources.health.put("flags:1", PeerHealth.SERVING);
        String yaml = """
                name: ssrf
                signals:
                  - { name: f, source: prometheus, query: up, url: "file:///etc/passwd" }
                  - { name: m, source: prometheus, query: up, url: "http://169.254.169.254" }
                  - { name: h, source: grpc-health, target: "db:5432" }
                phases: [ { name: a } ]
                """;
        assertThatThrownBy(() -> readiness.check(yaml)).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("line 3: signals[0].url: must be an http or https URL, not file:",
                    "line 4: signals[1].url: 'http://169.254.169.254' is not under an allowed signal URL",
                    "line 5: signals[2].target: 'db:5432' is not an allowed health target");
        });
        // the same plan stored before the list was narrowed
        assertThatThrownBy(() -> readiness.check(PlanParser.stored(yaml))).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION);
            assertThat(e.getMessage()).startsWith("the plan's signals may not be pulled: signals[0].url: must be an http or https URL");
        });
        assertThat(c.sources.asked).isEmpty();
        assertThat(readiness.check(PLAN)).hasSize(8);
        assertThat(c.sources.asked).isNotEmpty();
    }

    @Test
    void aPeerThatIsDownFailsItsChecksAndThoseThatNeedIt() {
        c.sources.health.put("flags:1", PeerHealth.NOT_SERVING);
        c.sources.queries.put("up", OptionalDouble.empty());

        List<Readiness.Check> checks = readiness.check(PlanParser.parse(PLAN));
        assertThat(checks).extracting(ch -> ch.name() + "=" + ch.passed() + ": " + ch.detail()).containsExactly(
                "service flag-service healthy=false: flags:1 NOT_SERVING",
                "service migration-worker healthy=false: worker:1: health check of worker:1 failed: UNAVAILABLE",
                "flag known known=false: flag-service is not healthy",
                "flag unknown known=false: flag-service is not healthy",
                "target crackerjack known=false: migration-worker is not healthy",
                "signal e answering=true: pushed through ReportSignal",
                "signal p answering=false: prometheus answered without data",
                "signal h answering=false: health check of svc:1 failed: UNAVAILABLE");
    }
}
