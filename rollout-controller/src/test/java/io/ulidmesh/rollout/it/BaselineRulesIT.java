package io.ulidmesh.rollout.it;

import static io.ulidmesh.rollout.it.ControllerProcess.baking;
import static io.ulidmesh.rollout.it.ControllerProcess.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetDeploymentHealthRequest;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;
import io.ulidmesh.rollout.testing.RolloutEvents;
import io.ulidmesh.testsupport.ServiceProcess;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * above_baseline rules across real processes: a baseline Prometheus computes at the phase's start
 * from what it scraped off a real flag-service, a phase that stays under the margin and one that
 * rises above it and is rolled back by itself; and a pushed signal's baseline that a controller
 * killed with -9 reads back from the journal after its restart.
 */
class BaselineRulesIT {
    static final ItResources CLEANUP = new ItResources("rollout_baseline_it_");
    static ServiceProcess flagService;
    static ManagedChannel flagChannel;
    static FlagServiceGrpc.FlagServiceBlockingStub flags;
    static PrometheusProcess prometheus;

    @BeforeAll
    static void startPeers() throws Exception {
        FlagPeer peer = FlagPeer.start(CLEANUP);
        flagService = peer.service();
        flagChannel = peer.channel();
        flags = peer.flags();
        prometheus = peer.prometheus();
    }

    @AfterAll
    static void stop() throws Exception {
        CLEANUP.close();
    }

    static String database(String purpose) {
        return CLEANUP.database(purpose);
    }

    static ControllerProcess controller(String jdbcUrl, int port) {
        ControllerProcess c = ControllerProcess.start(jdbcUrl, port, Map.of("ulidmesh.rollout.flag-service", flagService.address(),
                "ulidmesh.rollout.migration-worker", "127.0.0.1:9", "ulidmesh.rollout.prometheus-url", prometheus.url(),
                "ulidmesh.rollout.leader-retry", "300ms"));
        CLEANUP.add(c);
        return c;
    }

    /** The rule on the rollout's first signal, as GetDeploymentHealth shows it. */
    static ThresholdHealth rule(ControllerProcess c, String id) {
        return c.client().getDeploymentHealth(GetDeploymentHealthRequest.newBuilder().setId(id).build()).getRollouts(0).getSignals(0)
                .getThresholds(0);
    }

    static int basisPoints(String flag) {
        return flags.getFlag(GetFlagRequest.newBuilder().setName(flag).build()).getBasisPoints();
    }

    @Test
    void aPhaseUnderTheMarginProceedsAndOneMoreThanTheMarginAboveItsPrometheusBaselineRollsBackByItself() {
        ControllerProcess c = controller(database("prometheus"), ServiceProcess.freePort());
        flags.setFlag(SetFlagRequest.newBuilder().setName("base_gauge").setBasisPoints(1_000).setReason("test setup").build());
        sleep(4_000); // Prometheus scrapes every second: the 3 s before the first phase hold 10 % only
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: prom-baseline-it
                interval: 1s
                signals:
                  - name: gauge
                    source: prometheus
                    query: max(ulidmesh_flag_basis_points{flag="base_gauge"})
                rollback:
                  - { signal: gauge, above_baseline: 50%, baseline_window: 3s }
                phases:
                  - { name: forty, flags: { base_gauge: 14% }, bake: 8s }
                  - { name: one-fifty, flags: { base_gauge: 25% }, bake: 1h }
                """).build());
        c.await(r.getId(), x -> baking(x, 0));
        ThresholdHealth first = rule(c, r.getId());
        assertThat(first.getRelativeTo()).isEqualTo("baseline");
        assertThat(first.getHasReference()).isTrue();
        assertThat(first.getReference()).isEqualTo(1_000);
        assertThat(first.getThreshold()).isEqualTo(1_500);
        assertThat(first.getReferenceDetail()).startsWith("1000 (Prometheus' avg_over_time of the query over the 3s before ");

        // 1400 stays within 50% of 1000 for the whole bake; the next phase's baseline is 1400, and 2500 is more than 2100
        Rollout back = c.await(r.getId(), x -> x.getState() == RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isZero();
        assertThat(back.getPhases(0).getState()).isEqualTo(PhaseState.PHASE_COMPLETED);
        assertThat(back.getLastReason()).startsWith("signal gauge = 2500 breaches rule 'gauge more than 50% above its 3s baseline'"
                + " (baseline 1400, limit 2100)");
        assertThat(basisPoints("base_gauge")).isEqualTo(1_400);
        List<RolloutEvent> events = RolloutEvents.upTo(c.client(), r.getId(), RolloutEventType.EVENT_PHASE_ROLLED_BACK, 1);
        assertThat(events).filteredOn(e -> e.getType() == RolloutEventType.EVENT_PHASE_STARTED).extracting(RolloutEvent::getMessage)
                .satisfiesExactly(
                        m -> assertThat(m).contains("baseline of rule 'gauge more than 50% above its 3s baseline': 1000 ("),
                        m -> assertThat(m).contains("baseline of rule 'gauge more than 50% above its 3s baseline': 1400 ("));
        assertThat(events).noneMatch(e -> e.getType() == RolloutEventType.EVENT_SIGNAL_BREACHED && e.getPhase().equals("forty"));
    }

    @Test
    void aControllerKilledAfterThePhaseStartedReadsItsBaselineBackAndRollsBackOnlyAboveIt() throws Exception {
        String db = database("restart");
        ControllerProcess c = controller(db, ServiceProcess.freePort());
        flags.setFlag(SetFlagRequest.newBuilder().setName("base_pushed").setBasisPoints(0).setReason("test setup").build());
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: push-baseline-it
                signals:
                  - { name: base_p95, source: push }
                rollback:
                  - { signal: base_p95, above_baseline: 50%, baseline_window: 1m }
                phases:
                  - { name: one, flags: { base_pushed: 10% }, gate: manual }
                  - { name: two, flags: { base_pushed: 50% }, bake: 1h }
                """).build());
        c.await(r.getId(), x -> baking(x, 0));
        assertThat(c.report("base_p95", 90)).isEmpty();
        assertThat(c.report("base_p95", 110)).isEmpty();
        c.client().promoteRollout(RolloutActionRequest.newBuilder().setId(r.getId()).setReason("looks fine").build());
        c.await(r.getId(), x -> baking(x, 1));
        assertThat(rule(c, r.getId()).getReference()).isEqualTo(100);

        c.process().killHard();
        ControllerProcess restarted = controller(db, c.process().port());
        // the restarted controller has seen no value: only the journal's baseline can say 100
        assertThat(restarted.reportOnceLeader("base_p95", 150)).isEmpty();
        ThresholdHealth rule = rule(restarted, r.getId());
        assertThat(rule.getReference()).isEqualTo(100);
        assertThat(rule.getThreshold()).isEqualTo(150);
        assertThat(rule.getReferenceDetail()).startsWith("100 (mean of 2 values seen in the 1m before ");
        assertThat(basisPoints("base_pushed")).isEqualTo(5_000);

        assertThat(restarted.reportOnceLeader("base_p95", 151)).containsExactly(r.getId());
        Rollout back = restarted.await(r.getId(), x -> x.getState() == RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isZero();
        assertThat(back.getLastReason()).isEqualTo("signal base_p95 = 151 breaches rule 'base_p95 more than 50% above its 1m baseline'"
                + " (baseline 100, limit 150) (1 in a row)");
        assertThat(basisPoints("base_pushed")).isEqualTo(1_000);
    }
}
