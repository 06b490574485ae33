package io.ulidmesh.rollout.engine;

import com.github.f4b6a3.ulid.UlidCreator;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import io.ulidmesh.rollout.config.RolloutConfig;
import io.ulidmesh.rollout.domain.BreachTracker;
import io.ulidmesh.rollout.domain.Change;
import io.ulidmesh.rollout.domain.FlagValue;
import io.ulidmesh.rollout.domain.MigrationStep;
import io.ulidmesh.rollout.domain.NoDataPolicy;
import io.ulidmesh.rollout.domain.Numbers;
import io.ulidmesh.rollout.domain.PhaseRecord;
import io.ulidmesh.rollout.domain.PhaseSpec;
import io.ulidmesh.rollout.domain.PhaseState;
import io.ulidmesh.rollout.domain.Plan;
import io.ulidmesh.rollout.domain.PlanParser;
import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.RolloutRecord;
import io.ulidmesh.rollout.domain.RolloutRecord.RollbackKind;
import io.ulidmesh.rollout.domain.RolloutState;
import io.ulidmesh.rollout.domain.RuleSpec;
import io.ulidmesh.rollout.domain.SignalSource;
import io.ulidmesh.rollout.domain.SignalSpec;
import io.ulidmesh.rollout.peers.Channels;
import io.ulidmesh.rollout.peers.FlagVersionConflict;
import io.ulidmesh.rollout.peers.PeerException;
import io.ulidmesh.rollout.peers.Peers;
import io.ulidmesh.rollout.peers.PrometheusClient;
import io.ulidmesh.rollout.store.RolloutStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Drives rollouts. Everything that changes a rollout runs on one engine thread, so operator
 * actions, pushed signals and the periodic tick never race. State is in PostgreSQL: before a phase
 * changes anything its journal (flag values and versions before, migrations it will run) is
 * committed; each change is marked applied, and restored, as it happens, so a restarted
 * controller picks up exactly where the previous one stopped.
 */
@ApplicationScoped
public class RolloutEngine {
    private static final Logger LOG = Logger.getLogger(RolloutEngine.class);
    private static final String SELF = Channels.ACTOR;
    /** Compare-and-set writes of one flag that may lose to someone else's change before the step fails. */
    private static final int FLAG_WRITE_ATTEMPTS = 5;
    private static final List<RolloutState> ACTIVE = List.of(RolloutState.RUNNING, RolloutState.ROLLING_BACK);

    private final RolloutStore store;
    private final Peers peers;
    private final PrometheusClient prometheus;
    private final Leadership leadership;
    private final RolloutMetrics metrics;
    private final RolloutConfig config;
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final Map<String, BreachTracker> trackers = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastPull = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> withoutData = new ConcurrentHashMap<>();
    private final Map<String, Long> detectedAtNanos = new ConcurrentHashMap<>();
    private final Set<String> transientlyFailing = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService thread;

    public RolloutEngine(RolloutStore store, Peers peers, PrometheusClient prometheus, Leadership leadership,
                         RolloutMetrics metrics, RolloutConfig config) {
        this.store = store;
        this.peers = peers;
        this.prometheus = prometheus;
        this.leadership = leadership;
        this.metrics = metrics;
        this.config = config;
    }

    void start(@Observes StartupEvent ignored) {
        thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rollout-engine"));
        thread.scheduleWithFixedDelay(this::tick, config.tick().toMillis(), config.tick().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        thread.shutdownNow();
    }

    /** Runs {@code work} on the engine thread. */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    // ---------------------------------------------------------------- operator actions (engine thread)

    public RolloutRecord create(String yaml, boolean start, String actor) {
        Plan plan = PlanParser.parse(yaml);
        requireLeader();
        String id = Ulids.format(UlidCreator.getMonotonicUlid());
        Instant now = Instant.now();
        List<PhaseRecord> phases = new ArrayList<>();
        for (int i = 0; i < plan.phases().size(); i++) {
            phases.add(new PhaseRecord(i, plan.phases().get(i).name(), PhaseState.PENDING, 0, null, null, false, null, null));
        }
        RolloutRecord r = new RolloutRecord(id, plan.name(), RolloutState.PENDING, yaml, -1, "", null, now, now, phases);
        store.insert(r, actor);
        plans.put(id, plan);
        metrics.phase(id, plan.name(), -1);
        LOG.infof("rollout %s (%s) created by %s with %d phases", id, plan.name(), actor, phases.size());
        return start ? start(id, "created with start", actor) : store.get(id);
    }

    public RolloutRecord start(String id, String reason, String actor) {
        requireLeader();
        RolloutRecord r = store.get(id);
        requireState(r, "start", RolloutState.PENDING);
        String why = reasonOr(reason, "started");
        save(with(r, RolloutState.RUNNING, 0, why, null), List.of(), EventType.STARTED, "", "started: " + why, actor);
        LOG.infof("rollout %s (%s) started by %s: %s", id, r.name(), actor, why);
        advance(id);
        return store.get(id);
    }

    public RolloutRecord pause(String id, String reason, String actor) {
        requireLeader();
        String why = requireReason(reason, "PauseRollout");
        RolloutRecord r = store.get(id);
        requireState(r, "pause", RolloutState.RUNNING);
        List<PhaseRecord> changed = new ArrayList<>();
        PhaseRecord p = r.current();
        if (p != null && p.state() == PhaseState.BAKING && p.bakeUntil() != null) {
            // The bake clock stops while paused.
            changed.add(p.withBake(null, Math.max(0, Duration.between(Instant.now(), p.bakeUntil()).toMillis())));
        }
        save(with(r, RolloutState.PAUSED, r.currentPhase(), why, null), changed, EventType.PAUSED, phaseName(r), "paused: " + why, actor);
        LOG.infof("rollout %s paused by %s: %s", id, actor, why);
        return store.get(id);
    }

    public RolloutRecord resume(String id, String reason, String actor) {
        requireLeader();
        RolloutRecord r = store.get(id);
        requireState(r, "resume", RolloutState.PAUSED, RolloutState.ROLLED_BACK);
        String why = reasonOr(reason, "resumed");
        forgetBreaches(id);
        if (r.state() == RolloutState.PAUSED) {
            List<PhaseRecord> changed = new ArrayList<>();
            PhaseRecord p = r.current();
            if (p != null && p.state() == PhaseState.BAKING && p.bakeRemainingMs() != null) {
                changed.add(p.withBake(Instant.now().plusMillis(p.bakeRemainingMs()), null));
            }
            save(with(r, RolloutState.RUNNING, r.currentPhase(), why, null), changed, EventType.RESUMED, phaseName(r),
                    "resumed: " + why, actor);
        } else {
            int retry = r.currentPhase() + 1;
            PhaseRecord p = r.phase(retry).retried();
            save(with(r, RolloutState.RUNNING, retry, why, null), List.of(p), EventType.RESUMED, p.name(),
                    "resumed: retrying phase " + p.name() + " (attempt " + (p.attempt() + 1) + "): " + why, actor);
        }
        LOG.infof("rollout %s resumed by %s: %s", id, actor, why);
        advance(id);
        return store.get(id);
    }

    public RolloutRecord promote(String id, String reason, String actor) {
        requireLeader();
        RolloutRecord r = store.get(id);
        requireState(r, "promote", RolloutState.RUNNING, RolloutState.PAUSED);
        PhaseRecord p = r.current();
        if (p == null || p.state() != PhaseState.BAKING) {
            throw DomainException.failedPrecondition("rollout " + id + " phase " + phaseName(r) + " is "
                    + (p == null ? "not started" : p.state()) + "; only a baking phase or one waiting at its gate can be promoted");
        }
        String why = reasonOr(reason, "promoted");
        PhaseRecord promoted = p.withGatePassed(true).withBake(r.state() == RolloutState.PAUSED ? null : Instant.now(),
                r.state() == RolloutState.PAUSED ? 0L : null);
        save(r, List.of(promoted), EventType.PROMOTED, p.name(), "promoted past the bake and gate of " + p.name() + ": " + why, actor);
        LOG.infof("rollout %s phase %s promoted by %s: %s", id, p.name(), actor, why);
        advance(id);
        return store.get(id);
    }

    public RolloutRecord rollback(String id, String reason, String actor) {
        requireLeader();
        String why = requireReason(reason, "RollbackRollout");
        RolloutRecord r = store.get(id);
        requireState(r, "roll back", RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.ROLLED_BACK,
                RolloutState.COMPLETED, RolloutState.FAILED);
        if (r.currentPhase() < 0) {
            throw DomainException.failedPrecondition("rollout " + id + " has no applied phase to roll back");
        }
        beginRollback(r, RollbackKind.PHASE, "manual rollback by " + actor + ": " + why, actor, "manual");
        return store.get(id);
    }

    public RolloutRecord abort(String id, String reason, String actor) {
        requireLeader();
        String why = requireReason(reason, "AbortRollout");
        RolloutRecord r = store.get(id);
        if (r.state() == RolloutState.ABORTED) {
            throw DomainException.failedPrecondition("rollout " + id + " is already ABORTED");
        }
        if (r.state() == RolloutState.PENDING) {
            save(with(r, RolloutState.ABORTED, -1, why, null), List.of(), EventType.ABORTED, "", "aborted before it started: " + why, actor);
            return store.get(id);
        }
        beginRollback(r, RollbackKind.ABORT, "aborted by " + actor + ": " + why, actor, "abort");
        return store.get(id);
    }

    /** Result of one pushed signal. */
    public record SignalResult(int evaluated, List<String> rollbacks) {
    }

    /** Evaluates a pushed value on every running rollout that declares {@code name} as a push signal. */
    public SignalResult report(String name, double value, String onlyRollout, long receivedNanos) {
        requireLeader();
        metrics.signal(name, value);
        List<String> ids = onlyRollout == null ? store.idsIn(List.of(RolloutState.RUNNING)) : List.of(onlyRollout);
        int evaluated = 0;
        List<String> triggered = new ArrayList<>();
        for (String id : ids) {
            RolloutRecord r = store.get(id);
            if (r.state() != RolloutState.RUNNING) {
                continue;
            }
            Plan plan = plan(r);
            Optional<SignalSpec> signal = plan.signal(name);
            if (signal.isEmpty() || signal.get().source() != SignalSource.PUSH) {
                continue;
            }
            evaluated++;
            if (evaluate(r, plan, signal.get(), value, null, receivedNanos)) {
                triggered.add(id);
            }
        }
        return new SignalResult(evaluated, triggered);
    }

    // ---------------------------------------------------------------- the loop

    private void tick() {
        if (!leadership.isLeader()) {
            plans.clear();
            trackers.clear();
            return;
        }
        try {
            for (String id : store.idsIn(ACTIVE)) {
                advance(id);
            }
        } catch (RuntimeException e) {
            LOG.warnf("engine tick failed: %s", e.getMessage());
        }
    }

    /** Takes a rollout as far as it can go now. */
    private void advance(String id) {
        for (int steps = 0; steps < 50; steps++) {
            try {
                if (!step(id)) {
                    transientlyFailing.remove(id);
                    return;
                }
            } catch (PeerException e) {
                if (!e.isTransient()) {
                    failStep(id, e.getMessage());
                } else if (transientlyFailing.add(id)) {
                    LOG.warnf("rollout %s waits for a peer: %s", id, e.getMessage());
                }
                return;
            } catch (StepFailure e) {
                failStep(id, e.getMessage());
                return;
            }
        }
    }

    /** One unit of progress; false when there is nothing to do now. */
    private boolean step(String id) {
        RolloutRecord r = store.get(id);
        if (r.state() == RolloutState.ROLLING_BACK) {
            return rollbackStep(r);
        }
        if (r.state() != RolloutState.RUNNING) {
            return false;
        }
        Plan plan = plan(r);
        if (pullDue(r, plan) && pullSignals(r, plan)) {
            return true;
        }
        PhaseRecord p = r.current();
        PhaseSpec spec = plan.phases().get(p.idx());
        return switch (p.state()) {
            case PENDING -> beginPhase(r, spec, p);
            case APPLYING -> applyPhase(r, plan, spec, p);
            case BAKING -> completeIfBaked(r, plan, spec, p);
            default -> false;
        };
    }

    private boolean beginPhase(RolloutRecord r, PhaseSpec spec, PhaseRecord p) {
        List<Change> journal = new ArrayList<>();
        int pos = 0;
        StringBuilder what = new StringBuilder();
        for (Map.Entry<String, FlagValue> f : spec.flags().entrySet()) {
            Optional<Peers.FlagState> before = peers.getFlag(f.getKey());
            journal.add(Change.flag(r.id(), p.idx(), p.attempt(), pos++, f.getKey(), before.isPresent(),
                    before.map(Peers.FlagState::basisPoints).orElse(null), before.map(Peers.FlagState::version).orElse(null),
                    f.getValue().basisPoints()));
            what.append(what.isEmpty() ? "" : ", ").append(f.getKey()).append(' ').append(stateText(before))
                    .append(" -> ").append(f.getValue().text());
        }
        for (int m = 0; m < spec.migrations().size(); m++) {
            var mig = spec.migrations().get(m);
            journal.add(Change.migration(r.id(), p.idx(), p.attempt(), pos++, migrationName(r.id(), p, m), m));
            what.append(what.isEmpty() ? "" : ", ").append("migration ").append(mig.target()).append('.').append(mig.table())
                    .append(' ').append(mig.steps().stream().map(MigrationStep::text).toList());
        }
        store.beginPhase(r, p.started(Instant.now()), journal, "phase " + p.name() + " attempt " + (p.attempt() + 1)
                + " starts: " + (what.isEmpty() ? "no changes" : what));
        metrics.phase(r.id(), r.name(), p.idx());
        LOG.infof("rollout %s phase %s started: %s", r.id(), p.name(), what);
        return true;
    }

    private boolean applyPhase(RolloutRecord r, Plan plan, PhaseSpec spec, PhaseRecord p) {
        String reason = "rollout " + r.name() + " (" + r.id() + ") phase " + p.name();
        for (Change ch : store.changes(r.id(), p.idx(), p.attempt())) {
            if (ch.applied()) {
                continue;
            }
            if (ch.kind() == Change.Kind.FLAG) {
                String message = compareAndSet(ch.subject(), "set it to " + new FlagValue(ch.targetBasisPoints()).text(),
                        now -> applyFlag(r, p, ch, now, reason));
                store.event(r.id(), EventType.FLAG_SET, p.name(), message, SELF);
                LOG.infof("rollout %s phase %s: %s", r.id(), p.name(), message);
            } else if (!advanceMigration(r, spec, p, ch, reason)) {
                return false;
            }
        }
        Duration bake = spec.bake();
        store.save(r, List.of(p.withState(PhaseState.BAKING).withBake(Instant.now().plus(bake), null)), EventType.PHASE_BAKING,
                p.name(), "phase " + p.name() + " applied; " + (spec.manualGate() ? "waiting at its manual gate for PromoteRollout"
                        + (bake.isZero() ? "" : " and baking " + io.ulidmesh.rollout.domain.Durations.format(bake))
                        : "baking " + io.ulidmesh.rollout.domain.Durations.format(bake)), SELF);
        return true;
    }

    /**
     * One attempt to set a journaled flag to its target, given the flag as just read. The journal
     * entry is rewritten to that read (value and version) and committed before the write, and the
     * write expects that version: flag-service applies it only if nothing changed in between, so
     * the journal always holds the value the write replaced. A crash before the write leaves the
     * flag as journaled; a crash after it leaves the flag at the target, which the next attempt
     * finds and only marks applied (it cannot tell its own write from an operator's setting the
     * same value, so the journal is kept as it is then). Writing first and journaling after would
     * lose the previous value to a crash in between.
     */
    private String applyFlag(RolloutRecord r, PhaseRecord p, Change ch, Optional<Peers.FlagState> now, String reason)
            throws FlagVersionConflict {
        String to = new FlagValue(ch.targetBasisPoints()).text();
        if (now.isPresent() && now.get().basisPoints() == ch.targetBasisPoints()) {
            store.updateChange(ch.markApplied());
            return "flag " + ch.subject() + " already " + to + " (version " + now.get().version() + ")";
        }
        Change journaled = ch.withPrevious(now.isPresent(), now.map(Peers.FlagState::basisPoints).orElse(null),
                now.map(Peers.FlagState::version).orElse(null));
        store.journalPrevious(journaled, p.name(), ch.equals(journaled) ? null : "flag " + ch.subject() + " changed since the"
                + " phase's journal was taken: " + previousText(ch) + " -> " + stateText(now) + "; a rollback restores the latter", SELF);
        Peers.FlagState set = peers.setFlag(ch.subject(), ch.targetBasisPoints(), expectedVersion(now), reason);
        store.updateChange(journaled.markApplied());
        return "flag " + ch.subject() + ": " + stateText(now) + " -> " + to + " (version " + set.version() + ")";
    }

    /** One write of a flag attempted on a fresh read of it; a {@link FlagVersionConflict} means read again. */
    @FunctionalInterface
    private interface FlagWrite {
        String attempt(Optional<Peers.FlagState> now) throws FlagVersionConflict;
    }

    /**
     * Runs {@code write} on a fresh read of {@code flag} until flag-service accepts its
     * compare-and-set: someone else's change between read and write is read and built on, never
     * overwritten. Fails the step after {@value #FLAG_WRITE_ATTEMPTS} conflicts in a row.
     */
    private String compareAndSet(String flag, String goal, FlagWrite write) {
        String conflict = "";
        for (int attempt = 1; attempt <= FLAG_WRITE_ATTEMPTS; attempt++) {
            try {
                return write.attempt(peers.getFlag(flag));
            } catch (FlagVersionConflict e) {
                conflict = e.getMessage();
                LOG.infof("flag %s changed between read and write (attempt %d of %d to %s): %s", flag, attempt,
                        FLAG_WRITE_ATTEMPTS, goal, conflict);
            }
        }
        throw new StepFailure("flag " + flag + " changed between read and write in each of " + FLAG_WRITE_ATTEMPTS
                + " attempts to " + goal + "; last: " + conflict);
    }

    /** The expected_version of a write that replaces {@code now}; 0, "do not check", only for a flag read as absent. */
    private static long expectedVersion(Optional<Peers.FlagState> now) {
        return now.map(Peers.FlagState::version).orElse(0L);
    }

    private static String stateText(Optional<Peers.FlagState> state) {
        return state.map(s -> new FlagValue(s.basisPoints()).text() + " (v" + s.version() + ")").orElse("absent");
    }

    private static String previousText(Change ch) {
        return ch.prevExists() ? new FlagValue(ch.prevBasisPoints()).text() + " (v" + ch.prevVersion() + ")" : "absent";
    }

    /** Moves one migration of a phase on; false while it waits for the worker (a backfill running). */
    private boolean advanceMigration(RolloutRecord r, PhaseSpec spec, PhaseRecord p, Change ch, String reason) {
        var ms = spec.migrations().get(ch.migrationIndex());
        Change c = ch;
        if (c.migrationId() == null) {
            Migration m = peers.findMigration(ms.target(), c.subject()).orElseGet(() -> peers.createMigration(MigrationSpec.newBuilder()
                    .setName(ch.subject()).setTarget(ms.target()).setTable(ms.table()).setKeyColumn(ms.key())
                    .setUlidColumn(ms.ulidColumn()).setLegacyColumn(ms.legacyColumn()).setTimestampColumn(ms.timestampColumn())
                    .setBatchSize(ms.batchSize()).setMaxRowsPerSecond(ms.maxRowsPerSecond()).build()));
            c = c.withMigrationId(m.getId());
            store.updateChange(c);
            store.event(r.id(), EventType.MIGRATION_STEP, p.name(), "migration " + m.getId() + " on " + ms.target() + "." + ms.table()
                    + " created", SELF);
        }
        while (c.stepsDone() < ms.steps().size()) {
            MigrationStep step = ms.steps().get(c.stepsDone());
            Migration m = peers.getMigration(c.migrationId());
            MigrationState state = m.getState();
            if (state == MigrationState.FAILED || state == MigrationState.ROLLED_BACK) {
                throw new StepFailure("migration " + m.getId() + " on " + ms.target() + "." + ms.table() + " is " + state
                        + (m.getLastError().isEmpty() ? "" : ": " + m.getLastError()));
            }
            int rank = rank(state);
            String detail;
            switch (step) {
                case EXPAND -> {
                    if (rank < rank(MigrationState.EXPANDED)) {
                        peers.expand(m.getId(), reason);
                    }
                    detail = "expanded";
                }
                case BACKFILL -> {
                    if (state == MigrationState.EXPANDED) {
                        peers.backfill(m.getId(), reason);
                        store.event(r.id(), EventType.MIGRATION_STEP, p.name(), "migration " + m.getId() + " backfill started", SELF);
                        return false;
                    }
                    if (rank < rank(MigrationState.BACKFILLED)) {
                        return false;
                    }
                    detail = "backfilled " + m.getRowsBackfilled() + " rows";
                }
                case VALIDATE -> {
                    if (rank < rank(MigrationState.VALIDATED)) {
                        ValidationReport report = peers.validate(m.getId(), reason);
                        if (!report.getPassed()) {
                            throw new StepFailure("validation of migration " + m.getId() + " on " + ms.target() + "." + ms.table()
                                    + " failed: " + String.join("; ", report.getProblemsList()));
                        }
                        detail = "validated " + report.getRows() + " rows";
                    } else {
                        detail = "validated";
                    }
                }
                default -> {
                    if (rank < rank(MigrationState.CONTRACTED)) {
                        peers.contract(m.getId(), reason);
                    }
                    detail = "contracted";
                }
            }
            c = c.withStepsDone(c.stepsDone() + 1);
            store.updateChange(c);
            store.event(r.id(), EventType.MIGRATION_STEP, p.name(), "migration " + m.getId() + " on " + ms.target() + "." + ms.table()
                    + ": " + step.text() + " done (" + detail + ")", SELF);
        }
        store.updateChange(c.markApplied());
        return true;
    }

    private boolean completeIfBaked(RolloutRecord r, Plan plan, PhaseSpec spec, PhaseRecord p) {
        if (spec.manualGate() && !p.gatePassed()) {
            return false;
        }
        if (p.bakeUntil() != null && Instant.now().isBefore(p.bakeUntil())) {
            return false;
        }
        if (!withoutData.getOrDefault(r.id(), Set.of()).isEmpty()) {
            return false;
        }
        PhaseRecord done = p.finished(PhaseState.COMPLETED, Instant.now());
        boolean last = p.idx() == plan.phases().size() - 1;
        store.save(with(r, r.state(), r.currentPhase() + (last ? 0 : 1), r.lastReason(), null), List.of(done),
                EventType.PHASE_COMPLETED, p.name(), "phase " + p.name() + " completed", SELF);
        forgetBreaches(r.id());
        LOG.infof("rollout %s phase %s completed", r.id(), p.name());
        if (last) {
            save(with(store.get(r.id()), RolloutState.COMPLETED, p.idx(), "every phase completed", null), List.of(),
                    EventType.COMPLETED, "", "rollout " + r.name() + " completed", SELF);
            LOG.infof("rollout %s (%s) completed", r.id(), r.name());
        } else {
            metrics.phase(r.id(), r.name(), p.idx() + 1);
        }
        return true;
    }

    // ---------------------------------------------------------------- signals

    private boolean pullDue(RolloutRecord r, Plan plan) {
        if (plan.signals().stream().allMatch(s -> s.source() == SignalSource.PUSH)) {
            return false;
        }
        Instant last = lastPull.get(r.id());
        return last == null || !Instant.now().isBefore(last.plus(plan.interval()));
    }

    /** Pulls every prometheus and grpc-health signal once; true when a rule fired and a rollback began. */
    private boolean pullSignals(RolloutRecord r, Plan plan) {
        lastPull.put(r.id(), Instant.now());
        for (SignalSpec s : plan.signals()) {
            if (s.source() == SignalSource.PUSH) {
                continue;
            }
            long at = System.nanoTime();
            OptionalDouble value;
            String gap;
            try {
                value = pull(s);
                gap = value.isPresent() ? null : "the source answered without data";
            } catch (PeerException e) {
                value = OptionalDouble.empty();
                gap = e.getMessage();
            }
            if (value.isPresent()) {
                metrics.signal(s.name(), value.getAsDouble());
                withoutData.computeIfAbsent(r.id(), k -> ConcurrentHashMap.newKeySet()).remove(s.name());
                if (evaluate(r, plan, s, value.getAsDouble(), null, at)) {
                    return true;
                }
            } else {
                if (withoutData.computeIfAbsent(r.id(), k -> ConcurrentHashMap.newKeySet()).add(s.name())) {
                    store.event(r.id(), EventType.SIGNAL_NO_DATA, phaseName(r), "signal " + s.name() + " has no data ("
                            + gap + "); policy " + s.onNoData().name().toLowerCase(java.util.Locale.ROOT), SELF);
                    LOG.warnf("rollout %s signal %s has no data: %s", r.id(), s.name(), gap);
                }
                if (s.onNoData() == NoDataPolicy.BREACH && evaluate(r, plan, s, null, gap, at)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The current value of a pulled signal. */
    public OptionalDouble pull(SignalSpec s) {
        if (s.source() == SignalSource.PROMETHEUS) {
            return prometheus.query(s.url(), s.query());
        }
        HealthCheckResponse.ServingStatus status = peers.health(s.target(), s.service());
        return OptionalDouble.of(status == HealthCheckResponse.ServingStatus.SERVING ? 1 : 0);
    }

    /**
     * Feeds one value of {@code s} to its rules; {@code value} null means no data ({@code gap} says
     * why), which counts only under the breach policy. True when a rule fired and a rollback began.
     */
    private boolean evaluate(RolloutRecord r, Plan plan, SignalSpec s, Double value, String gap, long detectedNanos) {
        PhaseRecord phase = r.current();
        BreachTracker tracker = trackers.computeIfAbsent(r.id(), k -> savedBreaches(r, plan, phase));
        for (int i = 0; i < plan.rules().size(); i++) {
            RuleSpec rule = plan.rules().get(i);
            if (!rule.signal().equals(s.name())) {
                continue;
            }
            BreachTracker.Verdict v = tracker.observe(i, rule, value, s.onNoData());
            if (!v.countChanged()) {
                continue;
            }
            String what = null;
            if (v.breached()) {
                what = value == null
                        ? "signal " + s.name() + " has no data (" + gap + "), counted as a breach of rule '" + rule.describe() + "'"
                        : "signal " + s.name() + " = " + Numbers.text(value) + " breaches rule '" + rule.describe() + "'";
                what += " (" + v.inARow() + " in a row)";
            }
            store.saveBreachCount(r.id(), phase, i, v.inARow(), what, SELF);
            if (v.fires()) {
                detectedAtNanos.put(r.id(), detectedNanos);
                beginRollback(store.get(r.id()), RollbackKind.PHASE, what, SELF, "signal");
                return true;
            }
        }
        return false;
    }

    /** The phase attempt's breach counts as the last leader saved them: a takeover or restart continues them. */
    private BreachTracker savedBreaches(RolloutRecord r, Plan plan, PhaseRecord phase) {
        Map<Integer, Integer> saved = store.breachCounts(r.id(), phase.idx(), phase.attempt());
        if (!saved.isEmpty()) {
            LOG.infof("rollout %s phase %s continues its saved breach counts: %s", r.id(), phase.name(), saved.entrySet().stream()
                    .map(e -> "'" + plan.rules().get(e.getKey()).describe() + "' " + e.getValue() + " in a row")
                    .collect(Collectors.joining(", ")));
        }
        return new BreachTracker(saved);
    }

    /** Counts belong to a phase attempt: a completed phase, a rollback or a resume starts them again from 0. */
    private void forgetBreaches(String id) {
        trackers.remove(id);
        store.clearBreachCounts(id);
    }

    // ---------------------------------------------------------------- rollback

    private void beginRollback(RolloutRecord r, RollbackKind kind, String reason, String actor, String metricReason) {
        metrics.rollback(metricReason);
        save(with(r, RolloutState.ROLLING_BACK, r.currentPhase(), reason, kind), List.of(), EventType.ROLLBACK_STARTED,
                phaseName(r), (kind == RollbackKind.ABORT ? "abort: undoing every phase: " : "rolling back phase " + phaseName(r)
                        + ": ") + reason, actor);
        forgetBreaches(r.id());
        LOG.infof("rollout %s %s: %s", r.id(), kind == RollbackKind.ABORT ? "abort started" : "rollback of phase " + phaseName(r)
                + " started", reason);
        advance(r.id());
    }

    private boolean rollbackStep(RolloutRecord r) {
        if (r.rollbackKind() == RollbackKind.ABORT) {
            for (int i = r.phases().size() - 1; i >= 0; i--) {
                PhaseRecord p = r.phase(i);
                if (p.state().touched()) {
                    undoPhase(r, p);
                    store.save(r, List.of(p.finished(PhaseState.ROLLED_BACK, Instant.now())), EventType.PHASE_ROLLED_BACK,
                            p.name(), "phase " + p.name() + " undone: " + r.lastReason(), SELF);
                    return true;
                }
            }
            save(with(r, RolloutState.ABORTED, -1, r.lastReason(), null), List.of(), EventType.ABORTED, "",
                    "rollout " + r.name() + " aborted; every phase undone: " + r.lastReason(), SELF);
            LOG.infof("rollout %s aborted: %s", r.id(), r.lastReason());
            return false;
        }
        PhaseRecord p = r.current();
        if (p != null) {
            undoPhase(r, p);
        }
        int back = r.currentPhase() - 1;
        save(with(r, RolloutState.ROLLED_BACK, back, r.lastReason(), null),
                p == null ? List.of() : List.of(p.finished(PhaseState.ROLLED_BACK, Instant.now())), EventType.PHASE_ROLLED_BACK,
                p == null ? "" : p.name(), "phase " + (p == null ? "" : p.name()) + " rolled back; stopped at "
                        + (back < 0 ? "the start" : "phase " + r.phase(back).name()) + ": " + r.lastReason(), SELF);
        Long detected = detectedAtNanos.remove(r.id());
        if (detected != null) {
            metrics.detection(Duration.ofNanos(System.nanoTime() - detected));
        }
        LOG.infof("rollout %s phase %s rolled back: %s", r.id(), p == null ? "" : p.name(), r.lastReason());
        return false;
    }

    /** Undoes a phase attempt's journal in reverse order; each entry once, so a retry after a crash is safe. */
    private void undoPhase(RolloutRecord r, PhaseRecord p) {
        String reason = "rollback of rollout " + r.name() + " (" + r.id() + ") phase " + p.name() + ": " + r.lastReason();
        List<Change> journal = new ArrayList<>(store.changes(r.id(), p.idx(), p.attempt()));
        java.util.Collections.reverse(journal);
        for (Change ch : journal) {
            if (ch.restored()) {
                continue;
            }
            if (ch.kind() == Change.Kind.FLAG) {
                String message = compareAndSet(ch.subject(), "restore it to " + previousText(ch), now -> restoreFlag(ch, now, reason));
                store.updateChange(ch.markRestored());
                store.event(r.id(), EventType.FLAG_SET, p.name(), message, SELF);
                LOG.infof("rollout %s phase %s: %s", r.id(), p.name(), message);
            } else {
                PlanMigration pm = migrationOf(r, p, ch);
                String id = ch.migrationId() != null ? ch.migrationId()
                        : peers.findMigration(pm.target(), ch.subject()).map(Migration::getId).orElse(null);
                if (id != null && peers.getMigration(id).getState() != MigrationState.ROLLED_BACK) {
                    Migration m = peers.rollbackMigration(id, reason);
                    store.event(r.id(), EventType.MIGRATION_STEP, p.name(), "migration " + id + " on " + pm.target() + "."
                            + pm.table() + " rolled back (" + m.getState() + ")", SELF);
                }
                store.updateChange(ch.markRestored());
            }
        }
    }

    /** One attempt to put a flag back as the journal recorded it, given the flag as just read; the write expects that read. */
    private String restoreFlag(Change ch, Optional<Peers.FlagState> now, String reason) throws FlagVersionConflict {
        if (!ch.prevExists()) {
            if (now.isPresent() && peers.deleteFlag(ch.subject(), now.get().version(), reason)) {
                return "flag " + ch.subject() + " deleted: " + stateText(now) + " -> absent, as before the phase";
            }
            return "flag " + ch.subject() + " already absent, as before the phase";
        }
        if (now.isPresent() && now.get().basisPoints() == ch.prevBasisPoints()) {
            return "flag " + ch.subject() + " already at its previous value " + new FlagValue(ch.prevBasisPoints()).text();
        }
        Peers.FlagState set = peers.setFlag(ch.subject(), ch.prevBasisPoints(), expectedVersion(now), reason);
        return "flag " + ch.subject() + " restored: " + stateText(now) + " -> " + new FlagValue(ch.prevBasisPoints()).text()
                + " (value of version " + ch.prevVersion() + ", now version " + set.version() + ")";
    }

    private record PlanMigration(String target, String table) {
    }

    private PlanMigration migrationOf(RolloutRecord r, PhaseRecord p, Change ch) {
        var ms = plan(r).phases().get(p.idx()).migrations().get(ch.migrationIndex());
        return new PlanMigration(ms.target(), ms.table());
    }

    private void failStep(String id, String message) {
        RolloutRecord r = store.get(id);
        if (r.state() == RolloutState.ROLLING_BACK) {
            PhaseRecord p = r.current();
            save(with(r, RolloutState.FAILED, r.currentPhase(), "rollback failed: " + message, null),
                    p == null ? List.of() : List.of(p.withState(PhaseState.FAILED)), EventType.FAILED, phaseName(r),
                    "rollback failed and needs an operator: " + message, SELF);
            LOG.errorf("rollout %s failed during rollback: %s", id, message);
            return;
        }
        store.event(id, EventType.FAILED, phaseName(r), "phase " + phaseName(r) + " failed: " + message, SELF);
        LOG.warnf("rollout %s phase %s failed: %s", id, phaseName(r), message);
        beginRollback(r, RollbackKind.PHASE, "phase " + phaseName(r) + " failed: " + message, SELF, "failure");
    }

    // ---------------------------------------------------------------- helpers

    public Plan plan(RolloutRecord r) {
        return plans.computeIfAbsent(r.id(), k -> PlanParser.parse(r.planYaml()));
    }

    private void save(RolloutRecord r, List<PhaseRecord> phases, EventType type, String phase, String message, String actor) {
        store.save(r, phases, type, phase, message, actor);
        metrics.phase(r.id(), r.name(), r.currentPhase());
    }

    private static RolloutRecord with(RolloutRecord r, RolloutState state, int currentPhase, String reason, RollbackKind kind) {
        return new RolloutRecord(r.id(), r.name(), state, r.planYaml(), currentPhase, reason, kind, r.createdAt(), Instant.now(),
                r.phases());
    }

    private static String phaseName(RolloutRecord r) {
        PhaseRecord p = r.current();
        return p == null ? "" : p.name();
    }

    private static String migrationName(String rolloutId, PhaseRecord p, int m) {
        return "rollout-" + rolloutId.toLowerCase(java.util.Locale.ROOT) + "-p" + p.idx() + "-a" + p.attempt() + "-m" + m;
    }

    private static int rank(MigrationState s) {
        return switch (s) {
            case CREATED -> 1;
            case EXPANDED -> 2;
            case BACKFILLING, PAUSED -> 3;
            case BACKFILLED -> 5;
            case VALIDATED -> 6;
            case CONTRACTED -> 7;
            default -> 0;
        };
    }

    private void requireLeader() {
        if (!leadership.isLeader()) {
            throw DomainException.unavailable("this rollout-controller is a standby; the active one holds the leadership lock", null);
        }
    }

    private static void requireState(RolloutRecord r, String action, RolloutState... allowed) {
        for (RolloutState s : allowed) {
            if (r.state() == s) {
                return;
            }
        }
        throw DomainException.failedPrecondition("cannot " + action + " rollout " + r.id() + ": it is " + r.state()
                + ", not " + String.join(" or ", java.util.Arrays.stream(allowed).map(Enum::name).toList()));
    }

    private static String requireReason(String reason, String rpc) {
        if (reason == null || reason.isBlank()) {
            throw DomainException.invalid("reason is required for " + rpc);
        }
        return reason.strip();
    }

    private static String reasonOr(String reason, String fallback) {
        return reason == null || reason.isBlank() ? fallback : reason.strip();
    }

    /** Lets the readiness checklist know which rollouts wait for data. */
    public Set<String> signalsWithoutData(String rolloutId) {
        return new HashSet<>(withoutData.getOrDefault(rolloutId, Set.of()));
    }
}
