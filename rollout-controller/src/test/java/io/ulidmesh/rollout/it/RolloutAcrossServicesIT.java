package io.ulidmesh.rollout.it;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static io.ulidmesh.rollout.it.ControllerProcess.baking;
import static io.ulidmesh.rollout.it.ControllerProcess.sleep;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.DeploymentHealth;
import io.ulidmesh.proto.rollout.v1.FlagHealth;
import io.ulidmesh.proto.rollout.v1.GetDeploymentHealthRequest;
import io.ulidmesh.proto.rollout.v1.RolloutHealth;
import io.ulidmesh.proto.rollout.v1.SignalHealth;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.rollout.testing.RolloutEvents;
import io.ulidmesh.testsupport.ServiceProcess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller as a real process driving the real flag service over gRPC, with real PostgreSQL
 * and a real Prometheus: phases, automatic rollback from pushed and Prometheus signals, manual
 * rollback and abort, kill -9 and resume, and a standby taking over (breaches-in-a-row counts included).
 */
class RolloutAcrossServicesIT {
    static final ItResources CLEANUP = new ItResources("rollout_it_");
    static ServiceProcess flagService;
    static ManagedChannel flagChannel;
    static FlagServiceGrpc.FlagServiceBlockingStub flags;
    static PrometheusProcess prometheus;
    static AlertmanagerProcess alertmanager;
    static ControllerProcess shared;

    @BeforeAll
    static void startPeers() throws Exception {
        FlagPeer peer = FlagPeer.start(CLEANUP);
        flagService = peer.service();
        flagChannel = peer.channel();
        flags = peer.flags();
        prometheus = peer.prometheus();
        alertmanager = AlertmanagerProcess.start();
        CLEANUP.add(alertmanager);
        // One controller serves the tests that neither kill it nor run a second replica; their flags and signals are distinct.
        shared = controller(database("shared"));
    }

    @AfterAll
    static void stop() throws Exception {
        CLEANUP.close();
    }

    static String database(String purpose) {
        return CLEANUP.database(purpose);
    }

    static Map<String, String> controllerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("ulidmesh.rollout.flag-service", flagService.address());
        config.put("ulidmesh.rollout.migration-worker", "127.0.0.1:9");
        config.put("ulidmesh.rollout.prometheus-url", prometheus.url());
        config.put("ulidmesh.rollout.leader-retry", "300ms");
        config.put("ulidmesh.rollout.alertmanager-url", alertmanager.url());
        return config;
    }

    /** A controller process on the class's peers; closed with the class. */
    static ControllerProcess controller(String jdbcUrl) {
        return controller(jdbcUrl, ServiceProcess.freePort());
    }

    static ControllerProcess controller(String jdbcUrl, int port) {
        ControllerProcess c = ControllerProcess.start(jdbcUrl, port, controllerConfig());
        CLEANUP.add(c);
        return c;
    }

    static RolloutActionRequest action(String id, String reason) {
        return RolloutActionRequest.newBuilder().setId(id).setReason(reason).build();
    }

    static Flag flag(String name) {
        return flags.getFlag(GetFlagRequest.newBuilder().setName(name).build());
    }

    static Flag set(String name, int basisPoints) {
        return flags.setFlag(SetFlagRequest.newBuilder().setName(name).setBasisPoints(basisPoints).setReason("test setup").build());
    }

    static void assertAbsent(String name) {
        assertStatus(Status.Code.NOT_FOUND, () -> flag(name));
    }

    @Test
    void phasesAdvanceAndAPushedBreachRestoresTheFlagsExactly() {
        ControllerProcess c = shared;
        set("push_coordinator", 0);
        Flag untouched = set("push_other", 2_500);
        String plan = """
                name: push-it
                signals:
                  - { name: push_error_rate, source: push }
                rollback:
                  - { signal: push_error_rate, above: 5 }
                phases:
                  - { name: canary, flags: { push_coordinator: 10% }, bake: 300ms }
                  - { name: half, flags: { push_coordinator: 50%, push_new: on, push_other: off }, bake: 1h }
                """;
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setPlanYaml(plan).setStart(true).build());
        c.await(r.getId(), x -> baking(x, 1));
        Flag canary = flags.getFlag(GetFlagRequest.newBuilder().setName("push_coordinator").build());
        assertThat(canary.getBasisPoints()).isEqualTo(5_000);
        assertThat(canary.getUpdatedBy()).isEqualTo("rollout-controller");
        assertThat(flag("push_new").getBasisPoints()).isEqualTo(10_000);
        assertThat(flag("push_other").getBasisPoints()).isZero();

        var response = c.client().reportSignal(ReportSignalRequest.newBuilder().setName("push_error_rate").setValue(7.2).build());
        assertThat(response.getRollbacksTriggeredList()).containsExactly(r.getId());
        Rollout back = c.client().getRollout(GetRolloutRequest.newBuilder().setId(r.getId()).build());
        assertThat(back.getState()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isZero();
        assertThat(back.getLastReason()).contains("push_error_rate = 7.2");
        // exactly as before phase "half": 10 % from the canary, the new flag gone, the other flag's value back
        assertThat(flag("push_coordinator").getBasisPoints()).isEqualTo(1_000);
        assertAbsent("push_new");
        assertThat(flag("push_other").getBasisPoints()).isEqualTo(untouched.getBasisPoints());
        var history = flags.history(HistoryRequest.newBuilder().setFlag("push_coordinator").build()).getChangesList();
        assertThat(history.get(0).getActor()).isEqualTo("rollout-controller");
        assertThat(history.get(0).getReason()).contains("rollback of rollout push-it").contains(", for it-operator").contains("push_error_rate = 7.2");

        // Resume retries the phase; Abort then undoes every phase, back to the flags before the rollout
        c.client().resumeRollout(action(r.getId(), "fixed"));
        c.await(r.getId(), x -> baking(x, 1));
        assertThat(flag("push_coordinator").getBasisPoints()).isEqualTo(5_000);
        Rollout aborted = c.client().abortRollout(action(r.getId(), "product decision"));
        assertThat(aborted.getState()).isEqualTo(RolloutState.ABORTED);
        assertThat(aborted.getLastReason()).isEqualTo("aborted by it-operator: product decision");
        assertThat(flag("push_coordinator").getBasisPoints()).isZero();
        assertAbsent("push_new");
        assertThat(flag("push_other").getBasisPoints()).isEqualTo(2_500);
    }

    @Test
    void manualRollbackRecordsTheOperatorAndReason() {
        ControllerProcess c = shared;
        set("manual_flag", 0);
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: manual-it
                phases:
                  - { name: on, flags: { manual_flag: on }, gate: manual }
                """).build());
        c.await(r.getId(), x -> baking(x, 0));
        assertThat(flag("manual_flag").getBasisPoints()).isEqualTo(10_000);
        Rollout back = c.client().rollbackRollout(action(r.getId(), "customer complaints"));
        assertThat(back.getState()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isEqualTo(-1);
        assertThat(back.getLastReason()).isEqualTo("manual rollback by it-operator: customer complaints");
        assertThat(flag("manual_flag").getBasisPoints()).isZero();
        assertThat(flag("manual_flag").getReason()).contains("manual rollback by it-operator: customer complaints");
    }

    @Test
    void aRollbackInsideTheWindowRestoresTheCompletedPhaseAtOnce() {
        ControllerProcess c = shared;
        set("window_flag", 0);
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: window-it
                rollback_window: 1h
                phases:
                  - { name: canary, flags: { window_flag: 10% } }
                  - { name: half, flags: { window_flag: 50% }, bake: 1h }
                """).build());
        c.await(r.getId(), x -> baking(x, 1));
        Rollout back = c.client().rollbackRollout(action(r.getId(), "bad canary"));
        assertThat(back.getState()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isEqualTo(-1);
        assertThat(back.getLastReason()).startsWith("manual rollback by it-operator: bad canary (inside the rollback_window 1h");
        assertThat(flag("window_flag").getBasisPoints()).isZero();
    }

    @Test
    void aRollbackRestoresFromTheValueAnOperatorSetAfterThePhase() {
        ControllerProcess c = shared;
        Flag before = set("operator_flag", 0);
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: operator-it
                phases:
                  - { name: canary, flags: { operator_flag: 10% }, gate: manual }
                """).build());
        c.await(r.getId(), x -> baking(x, 0));
        Flag operators = set("operator_flag", 3_000);
        assertThat(operators.getVersion()).isEqualTo(before.getVersion() + 2);

        c.client().rollbackRollout(action(r.getId(), "operator took over"));
        Flag restored = flag("operator_flag");
        assertThat(restored.getBasisPoints()).isZero();
        assertThat(restored.getVersion()).isEqualTo(operators.getVersion() + 1);
        assertThat(RolloutEvents.upTo(c.client(), r.getId(), RolloutEventType.EVENT_PHASE_ROLLED_BACK, 1).stream()
                .filter(e -> e.getType() == RolloutEventType.EVENT_FLAG_SET).map(RolloutEvent::getMessage)).containsExactly(
                "flag operator_flag: off (v%d) -> 10%% (version %d)".formatted(before.getVersion(), before.getVersion() + 1),
                // the restore expects the version the phase left; flag-service refuses it, and the flag is read and restored
                ("flag-service refused the restore of phase canary (attempt 1 of 5, on the versions the phase left): SetFlags"
                        + " operator_flag: flag 'operator_flag' is at version %d, not the expected_version %d; reading the flags again")
                        .formatted(operators.getVersion(), before.getVersion() + 1),
                "flag operator_flag restored: 30%% (v%d) -> off (value of version %d, now version %d)".formatted(
                        operators.getVersion(), before.getVersion(), restored.getVersion()));
    }

    @Test
    void aPrometheusSignalDrivesARollback() {
        ControllerProcess c = shared;
        set("prom_tripwire", 0);
        // Prometheus scrapes the flag service; the rule trips once it sees the tripwire flag on.
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: prom-it
                interval: 1s
                signals:
                  - name: tripwire
                    source: prometheus
                    query: max(ulidmesh_flag_basis_points{flag="prom_tripwire"})
                rollback:
                  - { signal: tripwire, above: 0, for: 2 }
                phases:
                  - { name: safe, flags: { prom_safe: on }, bake: 2s }
                  - { name: trip, flags: { prom_tripwire: on }, bake: 1h }
                """).build());
        Rollout back = c.await(r.getId(), x -> x.getState() == RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isZero();
        assertThat(back.getPhases(0).getState()).isEqualTo(PhaseState.PHASE_COMPLETED);
        assertThat(back.getLastReason()).contains("signal tripwire = 10000 breaches rule 'tripwire above 0 2 times in a row'");
        assertThat(flag("prom_tripwire").getBasisPoints()).isZero();
        assertThat(flag("prom_safe").getBasisPoints()).isEqualTo(10_000);
    }

    @Test
    void deploymentHealthShowsThePhaseFlagsSignalsAgainstThresholdsAndAlertmanagersAlerts() throws Exception {
        ControllerProcess c = shared;
        set("health_flag", 0);
        alertmanager.fire("RolloutRolledBack", "critical", "a rollout was rolled back");
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: health-it
                interval: 1s
                signals:
                  - name: health_gauge
                    source: prometheus
                    query: max(ulidmesh_flag_basis_points{flag="health_flag"})
                  - { name: health_errors, source: push }
                rollback:
                  - { signal: health_gauge, above: 9000, for: 3 }
                  - { signal: health_errors, above: 5, for: 2 }
                phases:
                  - { name: canary, flags: { health_flag: 25%, health_other: on }, bake: 1h }
                  - { name: full, flags: { health_flag: on } }
                """).build());
        c.await(r.getId(), x -> baking(x, 0));
        c.client().reportSignal(ReportSignalRequest.newBuilder().setName("health_errors").setValue(7.5).build());
        DeploymentHealth health = awaitHealth(c, r.getId(), h -> h.getSignals(0).getHasValue() && h.getSignals(0).getValue() == 2_500);

        RolloutHealth mine = health.getRolloutsList().stream().filter(x -> x.getId().equals(r.getId())).findFirst().orElseThrow();
        assertThat(mine.getState()).isEqualTo(RolloutState.RUNNING);
        assertThat(mine.getPhase()).isEqualTo("canary");
        assertThat(mine.getPhaseState()).isEqualTo(PhaseState.PHASE_BAKING);
        assertThat(mine.getFlagsList()).extracting(FlagHealth::getName, FlagHealth::getPlanned, FlagHealth::getCurrent)
                .containsExactly(tuple("health_flag", "25%", "25%"), tuple("health_other", "on", "on"));
        assertThat(mine.getFlags(0).getVersion()).isEqualTo(flag("health_flag").getVersion());
        SignalHealth gauge = mine.getSignals(0);
        assertThat(gauge.getSource()).isEqualTo("prometheus");
        assertThat(gauge.getThresholdsList()).extracting(ThresholdHealth::getBound, ThresholdHealth::getThreshold,
                ThresholdHealth::getFor, ThresholdHealth::getBreached).containsExactly(tuple("above", 9000.0, 3, false));
        SignalHealth pushed = mine.getSignals(1);
        assertThat(pushed.getValue()).isEqualTo(7.5);
        assertThat(pushed.getThresholds(0).getBreached()).isTrue();
        assertThat(pushed.getThresholds(0).getInARow()).isEqualTo(1);
        assertThat(health.getAlertsSource()).isEqualTo(alertmanager.url());
        assertThat(health.getAlertsError()).isEmpty();
        assertThat(health.getAlertsList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("RolloutRolledBack");
            assertThat(a.getSeverity()).isEqualTo("critical");
            assertThat(a.getSummary()).isEqualTo("a rollout was rolled back");
            assertThat(a.getState()).isEqualTo("active");
        });
        c.client().abortRollout(action(r.getId(), "end of test"));
        assertThat(c.client().getDeploymentHealth(GetDeploymentHealthRequest.getDefaultInstance()).getRolloutsList())
                .extracting(RolloutHealth::getId).doesNotContain(r.getId());
    }

    static DeploymentHealth awaitHealth(ControllerProcess c, String id, Predicate<RolloutHealth> condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            DeploymentHealth h = c.client().getDeploymentHealth(GetDeploymentHealthRequest.newBuilder().setId(id).build());
            if (condition.test(h.getRollouts(0)) || System.nanoTime() > deadline) {
                return c.client().getDeploymentHealth(GetDeploymentHealthRequest.getDefaultInstance());
            }
            sleep(200);
        }
    }

    @Test
    void aSignalWithoutDataIsABreachWhenThePolicySaysSo() {
        ControllerProcess c = shared;
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: nodata-it
                interval: 1s
                signals:
                  - { name: ghost, source: prometheus, query: 'sum(no_such_metric_anywhere)', on_no_data: breach }
                  - { name: peer, source: grpc-health, target: "%s" }
                rollback:
                  - { signal: ghost, above: 1, for: 2 }
                  - { signal: peer, below: 1 }
                phases:
                  - { name: only, flags: { nodata_flag: on }, bake: 1h }
                """.formatted(flagService.address())).build());
        Rollout back = c.await(r.getId(), x -> x.getState() == RolloutState.ROLLED_BACK);
        assertThat(back.getLastReason()).contains("signal ghost has no data (the source answered without data), counted as a breach");
        assertAbsent("nodata_flag");
    }

    @Test
    void aControllerKilledMidPhaseResumesWithoutApplyingThePhaseTwice() throws Exception {
        String db = database("kill");
        ControllerProcess c = controller(db);
        set("kill_a", 0);
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: kill-it
                phases:
                  - { name: one, flags: { kill_a: 10% }, bake: 3s }
                  - { name: two, flags: { kill_a: 100% } }
                """).build());
        c.await(r.getId(), x -> baking(x, 0));
        long versionAfterPhaseOne = flag("kill_a").getVersion();
        c.process().killHard();
        c.channel().shutdownNow();
        ControllerProcess restarted = controller(db, c.process().port());
        Rollout done = restarted.await(r.getId(), x -> x.getState() == RolloutState.COMPLETED);
        assertThat(done.getPhasesList()).extracting(p -> p.getState()).containsOnly(PhaseState.PHASE_COMPLETED);
        Flag a = flag("kill_a");
        assertThat(a.getBasisPoints()).isEqualTo(10_000);
        // phase one was not applied again: exactly one more change, by phase two
        assertThat(a.getVersion()).isEqualTo(versionAfterPhaseOne + 1);
    }

    @Test
    void aStandbyTakesOverWhenTheActiveControllerDies() throws Exception {
        String db = database("ha");
        ControllerProcess active = controller(db);
        ControllerProcess standby = controller(db);
        set("ha_flag", 0);
        assertStatus(Status.Code.UNAVAILABLE, () -> standby.client().createRollout(CreateRolloutRequest.newBuilder()
                .setPlanYaml("name: x\nphases: [ { name: a } ]\n").build()), "standby");
        Rollout r = active.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: ha-it
                phases:
                  - { name: one, flags: { ha_flag: 10% }, bake: 2s }
                  - { name: two, flags: { ha_flag: on } }
                """).build());
        active.await(r.getId(), x -> baking(x, 0));
        active.process().killHard();
        Rollout done = standby.await(r.getId(), x -> x.getState() == RolloutState.COMPLETED);
        assertThat(done.getCurrentPhase()).isEqualTo(1);
        assertThat(flag("ha_flag").getBasisPoints()).isEqualTo(10_000);
        Rollout second = standby.client().createRollout(CreateRolloutRequest.newBuilder()
                .setPlanYaml("name: after\nphases: [ { name: a } ]\n").build());
        assertThat(second.getState()).isEqualTo(RolloutState.PENDING);
    }

    @Test
    void aStandbyContinuesTheBreachCountsOfTheControllerItTakesOverFrom() throws Exception {
        String db = database("breaches");
        ControllerProcess active = controller(db);
        ControllerProcess standby = controller(db);
        String carried = breachPlan(active, "carried");
        String reset = breachPlan(active, "reset");
        assertThat(active.report("carried_errors", 9)).isEmpty();
        assertThat(active.report("carried_errors", 9)).isEmpty();
        // the control: a good value after two breaches resets that rollout's count
        assertThat(active.report("reset_errors", 9)).isEmpty();
        assertThat(active.report("reset_errors", 9)).isEmpty();
        assertThat(active.report("reset_errors", 1)).isEmpty();

        active.process().killHard();
        assertThat(standby.reportOnceLeader("carried_errors", 9)).containsExactly(carried);
        assertThat(standby.reportOnceLeader("reset_errors", 9)).isEmpty();

        Rollout back = standby.client().getRollout(GetRolloutRequest.newBuilder().setId(carried).build());
        assertThat(back.getState()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(back.getCurrentPhase()).isEqualTo(-1);
        assertThat(back.getPhases(0).getState()).isEqualTo(PhaseState.PHASE_ROLLED_BACK);
        assertThat(back.getLastReason()).isEqualTo("signal carried_errors = 9 breaches rule 'carried_errors above 5 3 times in a row'"
                + " (3 in a row)");
        assertThat(breaches(standby, carried, RolloutEventType.EVENT_PHASE_ROLLED_BACK)).containsExactly(
                "signal carried_errors = 9 breaches rule 'carried_errors above 5 3 times in a row' (1 in a row)",
                "signal carried_errors = 9 breaches rule 'carried_errors above 5 3 times in a row' (2 in a row)",
                "signal carried_errors = 9 breaches rule 'carried_errors above 5 3 times in a row' (3 in a row)");

        assertThat(baking(standby.client().getRollout(GetRolloutRequest.newBuilder().setId(reset).build()), 0)).isTrue();
        standby.client().abortRollout(action(reset, "end of test"));
        assertThat(breaches(standby, reset, RolloutEventType.EVENT_ABORTED)).containsExactly(
                "signal reset_errors = 9 breaches rule 'reset_errors above 5 3 times in a row' (1 in a row)",
                "signal reset_errors = 9 breaches rule 'reset_errors above 5 3 times in a row' (2 in a row)",
                "signal reset_errors = 9 breaches rule 'reset_errors above 5 3 times in a row' (1 in a row)");
    }

    /** A started rollout whose one phase bakes for an hour, rolled back after 3 pushed {@code NAME_errors} above 5 in a row. */
    static String breachPlan(ControllerProcess c, String name) {
        Rollout r = c.client().createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: %1$s-it
                signals:
                  - { name: %1$s_errors, source: push }
                rollback:
                  - { signal: %1$s_errors, above: 5, for: 3 }
                phases:
                  - { name: only, bake: 1h }
                """.formatted(name)).build());
        return c.await(r.getId(), x -> baking(x, 0)).getId();
    }

    /** The messages of the rollout's SIGNAL_BREACHED events, read up to its first event of type {@code last}. */
    static List<String> breaches(ControllerProcess c, String id, RolloutEventType last) {
        return RolloutEvents.upTo(c.client(), id, last, 1).stream().filter(e -> e.getType() == RolloutEventType.EVENT_SIGNAL_BREACHED)
                .map(RolloutEvent::getMessage).toList();
    }

    @Test
    void badPlansAreRefusedWithTheirLines() {
        ControllerProcess c = shared;
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> c.client().createRollout(CreateRolloutRequest.newBuilder().setPlanYaml("""
                name: bad
                rollback:
                  - { signal: missing, above: 5 }
                phases:
                  - { name: a, flags: { f: maybe }, bake: forever }
                """).build()), "invalid plan (3 problems)",
                "line 3: rollback[0].signal: 'missing' is not declared under signals",
                "line 5: phases[0].flags.f: 'maybe' is not on, off or a percentage",
                "line 5: phases[0].bake: 'forever' is not a duration");
        // the allowlists follow the configured peers and Prometheus: a plan may pull those, and nothing else
        String prometheusHost = prometheus.url().substring("http://".length());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> c.client().createRollout(CreateRolloutRequest.newBuilder().setPlanYaml("""
                name: ssrf
                signals:
                  - { name: prom, source: prometheus, query: up, url: "%s/" }
                  - { name: flags, source: grpc-health, target: "%s" }
                  - { name: other, source: grpc-health, target: "%s" }
                  - { name: page, source: prometheus, query: up, url: "http://%s" }
                phases: [ { name: a } ]
                """.formatted(prometheus.url(), flagService.address(), prometheusHost, flagService.address())).build()),
                "invalid plan (2 problems)", "line 5: signals[2].target: '" + prometheusHost + "' is not an allowed health target",
                "line 6: signals[3].url: 'http://" + flagService.address() + "' is not under an allowed signal URL");
    }
}
