package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.HealthReport.SignalHealth;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import io.ulidmesh.rollout.domain.plan.MigrationStep;
import io.ulidmesh.rollout.domain.plan.PhaseSpec;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.MigrationEstimate;
import io.ulidmesh.rollout.domain.port.MigrationPort;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole-plan dry run (PreviewRollout): what each phase of a plan would do, each signal now
 * against its rules (a baseline as if the first phase started now), and the readiness checklist. It only reads - flag-service's GetFlag, the
 * worker's Plan of a spec it does not create, the signal sources, health checks - and stores nothing.
 */
public final class Preview {
    private final FlagPort flags;
    private final MigrationPort worker;
    private final SignalMonitor signals;
    private final Readiness readiness;

    public Preview(FlagPort flags, MigrationPort worker, SignalMonitor signals, Readiness readiness) {
        this.flags = flags;
        this.worker = worker;
        this.signals = signals;
        this.readiness = readiness;
    }

    /** A flag a phase sets: before and after; {@code setByPhase} names the earlier phase {@code before} comes from. */
    public record FlagChange(String name, String before, long beforeVersion, String after, String setByPhase, String error) {
    }

    /**
     * A migration a phase runs: {@code estimate} in words (the worker's rows and estimate, or why there is
     * none), {@code planned} the worker's answer, null when there is none.
     */
    public record MigrationPreview(String target, String table, List<String> steps, String estimate, MigrationEstimate planned) {
    }

    public record PhasePreview(String name, List<FlagChange> flags, List<MigrationPreview> migrations) {
    }

    public record Report(String name, List<PhasePreview> phases, List<SignalHealth> signals, List<Readiness.Check> readiness,
                         Instant at) {
    }

    /** The preview of a plan from a request; INVALID_ARGUMENT, before any request is sent, when the plan is invalid. */
    public Report of(String planYaml) {
        Plan plan = PlanParser.parse(planYaml, signals.allowlist());
        // each flag's value as the phases so far leave it: flag-service's first, then the plan's
        Map<String, FlagChange> current = new HashMap<>();
        // the phase that first migrates each target.table
        Map<String, String> migratedBy = new HashMap<>();
        List<PhasePreview> phases = new ArrayList<>();
        for (PhaseSpec phase : plan.phases()) {
            List<FlagChange> changes = new ArrayList<>();
            phase.flags().forEach((name, value) -> {
                FlagChange before = current.computeIfAbsent(name, this::onFlagService);
                FlagChange change = new FlagChange(name, before.before(), before.beforeVersion(), value.text(),
                        before.setByPhase(), before.error());
                changes.add(change);
                current.put(name, new FlagChange(name, value.text(), 0, "", phase.name(), ""));
            });
            List<MigrationPreview> migrations = new ArrayList<>();
            for (PlannedMigration m : phase.migrations()) {
                String earlier = migratedBy.putIfAbsent(m.target() + "." + m.table(), phase.name());
                migrations.add(migration(m, earlier));
            }
            phases.add(new PhasePreview(phase.name(), changes, migrations));
        }
        // a baseline as the first phase would take it if it started now
        Map<Integer, Baseline> baselines = new HashMap<>();
        signals.baselines(plan, Instant.now()).forEach(b -> baselines.put(b.ruleIdx(), b));
        List<SignalHealth> signalHealth = DeploymentHealth.signals(signals, plan, signals::lastPushed, Map.of(), baselines);
        return new Report(plan.name(), phases, signalHealth, readiness.check(plan), Instant.now());
    }

    /**
     * A migration with the worker's plan of its spec. The worker plans a table as it is now, so a table an
     * earlier phase already migrates is not asked about: that estimate would ignore the earlier phase's work.
     */
    private MigrationPreview migration(PlannedMigration m, String earlierPhase) {
        List<String> steps = m.steps().stream().map(MigrationStep::text).toList();
        if (earlierPhase != null) {
            return new MigrationPreview(m.target(), m.table(), steps, "not estimated: phase " + earlierPhase + " migrates "
                    + m.target() + "." + m.table() + " first, and the worker plans a table only as it is now", null);
        }
        try {
            MigrationEstimate e = worker.plan(m);
            String rate = e.rowsPerSecond() > 0 ? e.seconds() + " s at " + Math.round(e.rowsPerSecond()) + " rows/s" : "none";
            return new MigrationPreview(m.target(), m.table(), steps, "rows: " + e.rows() + ", to backfill: " + e.rowsToBackfill()
                    + ", estimate: " + rate + " (" + e.basis() + ")", e);
        } catch (PeerFailure e) {
            return new MigrationPreview(m.target(), m.table(), steps, "not estimated: " + e.getMessage(), null);
        }
    }

    /** The flag as flag-service has it now, as the "before" of the first phase that sets it. */
    private FlagChange onFlagService(String name) {
        try {
            Optional<FlagState> now = flags.getFlag(name);
            return new FlagChange(name, now.map(f -> new FlagValue(f.basisPoints()).text()).orElse("absent"),
                    now.map(FlagState::version).orElse(0L), "", "", "");
        } catch (PeerFailure e) {
            return new FlagChange(name, "", 0, "", "", e.getMessage());
        }
    }
}
