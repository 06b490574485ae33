package io.ulidmesh.rollout.api;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.ulidmesh.common.grpc.Timestamps;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.proto.migration.v1.BackfillEstimate;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.PlanResponse;
import io.ulidmesh.proto.migration.v1.PlannedStep;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import io.ulidmesh.proto.rollout.v1.Alert;
import io.ulidmesh.proto.rollout.v1.DeploymentHealth;
import io.ulidmesh.proto.rollout.v1.FlagChange;
import io.ulidmesh.proto.rollout.v1.FlagHealth;
import io.ulidmesh.proto.rollout.v1.MigrationPreview;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.PhasePreview;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.ReadinessCheck;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.ReportSignalResponse;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.RolloutHealth;
import io.ulidmesh.proto.rollout.v1.RolloutPreview;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.proto.rollout.v1.SignalHealth;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;
import io.ulidmesh.rollout.domain.OperatorActions.SignalResult;
import io.ulidmesh.rollout.domain.HealthReport;
import io.ulidmesh.rollout.domain.PhaseRecord;
import io.ulidmesh.rollout.domain.Preview;
import io.ulidmesh.rollout.domain.Readiness;
import io.ulidmesh.rollout.domain.RolloutEventRecord;
import io.ulidmesh.rollout.domain.RolloutRecord;
import io.ulidmesh.rollout.domain.RolloutView;
import io.ulidmesh.rollout.domain.plan.MigrationStep;
import io.ulidmesh.rollout.domain.plan.PhaseSpec;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import io.ulidmesh.rollout.domain.port.AlertPort;
import io.ulidmesh.rollout.domain.port.MigrationEstimate;
import io.ulidmesh.rollout.domain.port.MigrationRun;
import io.ulidmesh.rollout.domain.port.MigrationTarget;
import io.ulidmesh.rollout.domain.port.PeerHealth;
import io.ulidmesh.rollout.domain.port.ValidationOutcome;
import java.util.List;

/** Protobuf ⇄ domain: the RolloutService messages, and those of the calls to migration-worker and grpc.health.v1. */
final class ProtoMapping {
    private ProtoMapping() {
    }

    /** A rollout id as a request carries it (any case), in its canonical form; INVALID_ARGUMENT naming {@code field} otherwise. */
    static String rolloutId(String field, String text) {
        return Ulids.format(Ulids.parse(field, text));
    }

    static Rollout rollout(RolloutView view) {
        RolloutRecord r = view.rollout();
        Rollout.Builder b = Rollout.newBuilder().setId(r.id()).setName(r.name()).setState(RolloutState.valueOf(r.state().name()))
                .setCurrentPhase(r.currentPhase()).setCreatedAt(Timestamps.toProto(r.createdAt()))
                .setUpdatedAt(Timestamps.toProto(r.updatedAt())).setLastReason(r.lastReason()).setPlanYaml(r.planYaml());
        for (PhaseRecord p : r.phases()) {
            PhaseSpec spec = view.plan().phases().get(p.idx());
            Phase.Builder pb = Phase.newBuilder().setName(p.name()).setState(PhaseState.valueOf("PHASE_" + p.state().name()))
                    .setBakeSeconds(spec.bake().toSeconds()).setManualGate(spec.manualGate());
            spec.flags().forEach((k, v) -> pb.putFlags(k, v.text()));
            for (int i = 0; i < spec.migrations().size(); i++) {
                PlannedMigration m = spec.migrations().get(i);
                pb.addMigrations(PhaseMigration.newBuilder().setTarget(m.target()).setTable(m.table()).setKey(m.key())
                        .setUlidColumn(m.ulidColumn()).setLegacyColumn(m.legacyColumn()).setTimestampColumn(m.timestampColumn())
                        .addAllSteps(m.steps().stream().map(MigrationStep::text).toList())
                        .setMigrationId(view.migrationId(p.idx(), i)));
            }
            if (p.startedAt() != null) {
                pb.setStartedAt(Timestamps.toProto(p.startedAt()));
            }
            if (p.finishedAt() != null) {
                pb.setFinishedAt(Timestamps.toProto(p.finishedAt()));
            }
            b.addPhases(pb);
        }
        return b.build();
    }

    static RolloutEvent event(RolloutEventRecord e) {
        return RolloutEvent.newBuilder().setRolloutId(e.rolloutId()).setSequence(e.sequence()).setAt(Timestamps.toProto(e.at()))
                .setType(RolloutEventType.valueOf("EVENT_" + e.type().name())).setPhase(e.phase()).setMessage(e.message())
                .setActor(e.actor()).build();
    }

    static ReadinessReport readiness(List<Readiness.Check> checks) {
        ReadinessReport.Builder b = ReadinessReport.newBuilder().setReady(checks.stream().allMatch(Readiness.Check::passed));
        checks.forEach(c -> b.addChecks(ReadinessCheck.newBuilder().setName(c.name()).setPassed(c.passed()).setDetail(c.detail())));
        return b.build();
    }

    static DeploymentHealth health(HealthReport report) {
        DeploymentHealth.Builder b = DeploymentHealth.newBuilder().setAlertsSource(report.alertsSource())
                .setAlertsError(report.alertsError()).setAt(Timestamps.toProto(report.at()));
        for (HealthReport.RolloutHealth h : report.rollouts()) {
            RolloutRecord r = h.rollout();
            PhaseRecord p = r.current();
            RolloutHealth.Builder rb = RolloutHealth.newBuilder().setId(r.id()).setName(r.name())
                    .setState(RolloutState.valueOf(r.state().name())).setCurrentPhase(r.currentPhase()).setPhase(r.currentPhaseName())
                    .setPhaseState(p == null ? PhaseState.PHASE_STATE_UNSPECIFIED : PhaseState.valueOf("PHASE_" + p.state().name()))
                    .setLastReason(r.lastReason());
            h.flags().forEach(f -> rb.addFlags(FlagHealth.newBuilder().setName(f.name()).setPlanned(f.planned())
                    .setCurrent(f.current()).setVersion(f.version()).setError(f.error())));
            h.signals().forEach(s -> rb.addSignals(signal(s)));
            b.addRollouts(rb);
        }
        for (AlertPort.Alert a : report.alerts()) {
            Alert.Builder ab = Alert.newBuilder().setName(a.name()).setState(a.state()).setSeverity(a.severity())
                    .setSummary(a.summary()).putAllLabels(a.labels());
            if (a.startsAt() != null) {
                ab.setStartsAt(Timestamps.toProto(a.startsAt()));
            }
            b.addAlerts(ab);
        }
        return b.build();
    }

    private static SignalHealth signal(HealthReport.SignalHealth s) {
        SignalHealth.Builder sb = SignalHealth.newBuilder().setName(s.name()).setSource(s.source()).setDetail(s.detail())
                .setHasValue(s.value() != null).setValue(s.value() == null ? 0 : s.value());
        s.thresholds().forEach(t -> sb.addThresholds(ThresholdHealth.newBuilder().setRule(t.rule()).setBound(t.bound())
                .setThreshold(t.threshold() == null ? 0 : t.threshold()).setFor(t.forCount()).setInARow(t.inARow())
                .setBreached(t.breached()).setRelativeTo(t.relativeTo()).setHasReference(t.reference() != null)
                .setReference(t.reference() == null ? 0 : t.reference()).setReferenceDetail(t.referenceDetail())));
        return sb.build();
    }

    static RolloutPreview preview(Preview.Report report) {
        RolloutPreview.Builder b = RolloutPreview.newBuilder().setName(report.name()).setReadiness(readiness(report.readiness()))
                .setAt(Timestamps.toProto(report.at()));
        for (Preview.PhasePreview p : report.phases()) {
            PhasePreview.Builder pb = PhasePreview.newBuilder().setName(p.name());
            p.flags().forEach(f -> pb.addFlags(FlagChange.newBuilder().setName(f.name()).setBefore(f.before())
                    .setBeforeVersion(f.beforeVersion()).setAfter(f.after()).setSetByPhase(f.setByPhase()).setError(f.error())));
            p.migrations().forEach(m -> pb.addMigrations(migrationPreview(m)));
            b.addPhases(pb);
        }
        report.signals().forEach(s -> b.addSignals(signal(s)));
        return b.build();
    }

    static MigrationPreview migrationPreview(Preview.MigrationPreview m) {
        MigrationPreview.Builder b = MigrationPreview.newBuilder().setTarget(m.target()).setTable(m.table()).addAllSteps(m.steps())
                .setEstimate(m.estimate());
        MigrationEstimate e = m.planned();
        if (e != null) {
            b.setBackfill(BackfillEstimate.newBuilder().setRows(e.rows()).setRowsToBackfill(e.rowsToBackfill())
                    .setRowsPerSecond(e.rowsPerSecond()).setSeconds(e.seconds()).setBasis(e.basis())).addAllPlannedSteps(e.steps());
        }
        return b.build();
    }

    static ReportSignalResponse signalResult(SignalResult r) {
        return ReportSignalResponse.newBuilder().setRolloutsEvaluated(r.evaluated()).addAllRollbacksTriggered(r.rollbacks()).build();
    }

    // ---------------------------------------------------------------- peers

    static MigrationSpec migrationSpec(String name, PlannedMigration m) {
        return MigrationSpec.newBuilder().setName(name).setTarget(m.target()).setTable(m.table()).setKeyColumn(m.key())
                .setUlidColumn(m.ulidColumn()).setLegacyColumn(m.legacyColumn()).setTimestampColumn(m.timestampColumn())
                .setBatchSize(m.batchSize()).setMaxRowsPerSecond(m.maxRowsPerSecond()).build();
    }

    static MigrationEstimate estimate(PlanResponse r) {
        BackfillEstimate e = r.getEstimate();
        return new MigrationEstimate(e.getRows(), e.getRowsToBackfill(), e.getRowsPerSecond(), e.getSeconds(), e.getBasis(),
                r.getStepsList().stream().map(PlannedStep::getStep).toList());
    }

    static MigrationRun migrationRun(Migration m) {
        MigrationRun.State state = switch (m.getState()) {
            case MIGRATION_STATE_UNSPECIFIED, UNRECOGNIZED -> MigrationRun.State.UNKNOWN;
            default -> MigrationRun.State.valueOf(m.getState().name());
        };
        return new MigrationRun(m.getId(), state, m.getRowsBackfilled(), m.getLastError());
    }

    static ValidationOutcome validation(ValidationReport r) {
        return new ValidationOutcome(r.getPassed(), r.getRows(), List.copyOf(r.getProblemsList()));
    }

    static MigrationTarget target(Target t) {
        return new MigrationTarget(t.getName(), t.getDialect().name(), t.getJdbcUrl());
    }

    static PeerHealth health(ServingStatus status) {
        return switch (status) {
            case SERVING -> PeerHealth.SERVING;
            case NOT_SERVING -> PeerHealth.NOT_SERVING;
            default -> PeerHealth.UNKNOWN;
        };
    }
}
