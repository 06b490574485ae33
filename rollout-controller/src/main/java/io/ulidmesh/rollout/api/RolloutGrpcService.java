package io.ulidmesh.rollout.api;

import com.google.protobuf.Timestamp;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.proto.rollout.v1.CheckReadinessRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsResponse;
import io.ulidmesh.proto.rollout.v1.MutinyRolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.ReadinessCheck;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.ReportSignalResponse;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import io.ulidmesh.rollout.domain.Change;
import io.ulidmesh.rollout.domain.MigrationSpec;
import io.ulidmesh.rollout.domain.MigrationStep;
import io.ulidmesh.rollout.domain.PhaseRecord;
import io.ulidmesh.rollout.domain.PhaseSpec;
import io.ulidmesh.rollout.domain.Plan;
import io.ulidmesh.rollout.domain.PlanParser;
import io.ulidmesh.rollout.domain.RolloutEventRecord;
import io.ulidmesh.rollout.domain.RolloutRecord;
import io.ulidmesh.rollout.engine.Readiness;
import io.ulidmesh.rollout.engine.RolloutEngine;
import io.ulidmesh.rollout.store.RolloutStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jakarta.annotation.PreDestroy;

/** gRPC adapter of ulidmesh.rollout.v1.RolloutService: translates and delegates to the engine and the store. */
@GrpcService
public class RolloutGrpcService extends MutinyRolloutServiceGrpc.RolloutServiceImplBase {
    private static final Duration WATCH_POLL = Duration.ofMillis(100);
    private final RolloutEngine engine;
    private final RolloutStore store;
    private final Readiness readiness;
    private final ScheduledExecutorService watchTimer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "rollout-watch");
        t.setDaemon(true);
        return t;
    });

    public RolloutGrpcService(RolloutEngine engine, RolloutStore store, Readiness readiness) {
        this.engine = engine;
        this.store = store;
        this.readiness = readiness;
    }

    @Override
    public Uni<Rollout> createRollout(CreateRolloutRequest request) {
        String actor = Actor.current();
        return onEngine(() -> engine.create(request.getPlanYaml(), request.getStart(), actor));
    }

    @Override
    public Uni<Rollout> getRollout(GetRolloutRequest request) {
        return blocking(() -> toProto(store.get(id(request.getId()))));
    }

    @Override
    public Uni<ListRolloutsResponse> listRollouts(ListRolloutsRequest request) {
        return blocking(() -> {
            if (request.getPageSize() < 0) {
                throw DomainException.invalid("page_size must not be negative, got " + request.getPageSize());
            }
            int size = request.getPageSize() == 0 ? 100 : Math.min(request.getPageSize(), 1000);
            String after = request.getPageToken().isEmpty() ? null : Ulids.format(Ulids.parse("page_token", request.getPageToken()));
            List<RolloutRecord> page = store.list(size + 1, after);
            ListRolloutsResponse.Builder b = ListRolloutsResponse.newBuilder();
            page.stream().limit(size).forEach(r -> b.addRollouts(toProto(r)));
            if (page.size() > size) {
                b.setNextPageToken(page.get(size - 1).id());
            }
            return b.build();
        });
    }

    @Override
    public Uni<Rollout> startRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return onEngine(() -> engine.start(id(request.getId()), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> pauseRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return onEngine(() -> engine.pause(id(request.getId()), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> resumeRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return onEngine(() -> engine.resume(id(request.getId()), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> promoteRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return onEngine(() -> engine.promote(id(request.getId()), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> rollbackRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return onEngine(() -> engine.rollback(id(request.getId()), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> abortRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return onEngine(() -> engine.abort(id(request.getId()), request.getReason(), actor));
    }

    @Override
    public Multi<RolloutEvent> watchRollout(WatchRolloutRequest request) {
        return Multi.createFrom().<RolloutEvent>emitter(emitter -> {
            String id;
            try {
                id = id(request.getId());
                if (request.getAfterSequence() < 0) {
                    throw DomainException.invalid("after_sequence must not be negative, got " + request.getAfterSequence());
                }
            } catch (DomainException e) {
                emitter.fail(e);
                return;
            }
            AtomicLong after = new AtomicLong(request.getAfterSequence());
            AtomicBoolean checked = new AtomicBoolean();
            // Each watcher polls the event log: every replica, active or standby, serves the same stream.
            ScheduledFuture<?> poll = watchTimer.scheduleWithFixedDelay(() -> {
                try {
                    if (!checked.getAndSet(true)) {
                        store.get(id);
                    }
                    List<RolloutEventRecord> events;
                    do {
                        events = store.events(id, after.get(), 500);
                        for (RolloutEventRecord e : events) {
                            if (emitter.isCancelled()) {
                                return;
                            }
                            emitter.emit(toProto(e));
                            after.set(e.sequence());
                        }
                    } while (events.size() == 500);
                } catch (RuntimeException e) {
                    if (!emitter.isCancelled()) {
                        emitter.fail(e);
                    }
                    throw e;
                }
            }, 0, WATCH_POLL.toMillis(), TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> poll.cancel(false));
        });
    }

    @PreDestroy
    void stopWatches() {
        watchTimer.shutdownNow();
    }

    @Override
    public Uni<ReportSignalResponse> reportSignal(ReportSignalRequest request) {
        long received = System.nanoTime();
        if (request.getName().isBlank()) {
            return Uni.createFrom().failure(DomainException.invalid("name is required: the signal's name as plans declare it"));
        }
        if (!Double.isFinite(request.getValue())) {
            return Uni.createFrom().failure(DomainException.invalid("value must be a finite number, got " + request.getValue()));
        }
        String only;
        try {
            String label = request.getLabelsMap().get("rollout_id");
            only = label == null ? null : Ulids.format(Ulids.parse("labels.rollout_id", label));
        } catch (DomainException e) {
            return Uni.createFrom().failure(e);
        }
        return Uni.createFrom().completionStage(engine.submit(() -> engine.report(request.getName(), request.getValue(), only, received)))
                .map(r -> ReportSignalResponse.newBuilder().setRolloutsEvaluated(r.evaluated()).addAllRollbacksTriggered(r.rollbacks()).build());
    }

    @Override
    public Uni<ReadinessReport> checkReadiness(CheckReadinessRequest request) {
        return blocking(() -> {
            Plan plan = switch (request.getSubjectCase()) {
                case PLAN_YAML -> PlanParser.parse(request.getPlanYaml());
                case ID -> engine.plan(store.get(id(request.getId())));
                default -> throw DomainException.invalid("give plan_yaml or id");
            };
            List<Readiness.Check> checks = readiness.check(plan);
            ReadinessReport.Builder b = ReadinessReport.newBuilder().setReady(checks.stream().allMatch(Readiness.Check::passed));
            checks.forEach(c -> b.addChecks(ReadinessCheck.newBuilder().setName(c.name()).setPassed(c.passed()).setDetail(c.detail())));
            return b.build();
        });
    }

    // ---------------------------------------------------------------- mapping

    private Rollout toProto(RolloutRecord r) {
        Plan plan = engine.plan(r);
        Rollout.Builder b = Rollout.newBuilder().setId(r.id()).setName(r.name())
                .setState(io.ulidmesh.proto.rollout.v1.RolloutState.valueOf(r.state().name()))
                .setCurrentPhase(r.currentPhase()).setCreatedAt(ts(r.createdAt())).setUpdatedAt(ts(r.updatedAt()))
                .setLastReason(r.lastReason()).setPlanYaml(r.planYaml());
        for (PhaseRecord p : r.phases()) {
            PhaseSpec spec = plan.phases().get(p.idx());
            Phase.Builder pb = Phase.newBuilder().setName(p.name())
                    .setState(io.ulidmesh.proto.rollout.v1.PhaseState.valueOf("PHASE_" + p.state().name()))
                    .setBakeSeconds(spec.bake().toSeconds()).setManualGate(spec.manualGate());
            spec.flags().forEach((k, v) -> pb.putFlags(k, v.text()));
            List<Change> journal = p.state() == io.ulidmesh.rollout.domain.PhaseState.PENDING || spec.migrations().isEmpty()
                    ? List.of() : store.changes(r.id(), p.idx(), p.attempt());
            for (int i = 0; i < spec.migrations().size(); i++) {
                MigrationSpec m = spec.migrations().get(i);
                int index = i;
                String migrationId = journal.stream().filter(c -> c.migrationIndex() != null && c.migrationIndex() == index)
                        .map(Change::migrationId).filter(x -> x != null).findFirst().orElse("");
                pb.addMigrations(PhaseMigration.newBuilder().setTarget(m.target()).setTable(m.table()).setKey(m.key())
                        .setUlidColumn(m.ulidColumn()).setLegacyColumn(m.legacyColumn()).setTimestampColumn(m.timestampColumn())
                        .addAllSteps(m.steps().stream().map(MigrationStep::text).toList()).setMigrationId(migrationId));
            }
            if (p.startedAt() != null) {
                pb.setStartedAt(ts(p.startedAt()));
            }
            if (p.finishedAt() != null) {
                pb.setFinishedAt(ts(p.finishedAt()));
            }
            b.addPhases(pb);
        }
        return b.build();
    }

    private static RolloutEvent toProto(RolloutEventRecord e) {
        return RolloutEvent.newBuilder().setRolloutId(e.rolloutId()).setSequence(e.sequence()).setAt(ts(e.at()))
                .setType(RolloutEventType.valueOf("EVENT_" + e.type().name())).setPhase(e.phase()).setMessage(e.message())
                .setActor(e.actor()).build();
    }

    private static Timestamp ts(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private static String id(String text) {
        return Ulids.format(Ulids.parse("id", text));
    }

    private Uni<Rollout> onEngine(Callable<RolloutRecord> action) {
        return Uni.createFrom().completionStage(() -> engine.submit(action))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(this::toProto);
    }

    private static <T> Uni<T> blocking(Callable<T> work) {
        return Uni.createFrom().item(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
