package io.ulidmesh.rollout.api;

import io.grpc.ServerServiceDefinition;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.grpc.Blocking;
import io.ulidmesh.common.grpc.StrictParsing;
import io.ulidmesh.common.paging.PageTokens;
import io.ulidmesh.proto.rollout.v1.CheckReadinessRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetDeploymentHealthRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsResponse;
import io.ulidmesh.proto.rollout.v1.MutinyRolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.PreviewRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.ReportSignalResponse;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import io.ulidmesh.rollout.domain.DeploymentHealth;
import io.ulidmesh.rollout.domain.EventFeed;
import io.ulidmesh.rollout.domain.OperatorQueue;
import io.ulidmesh.rollout.domain.Preview;
import io.ulidmesh.rollout.domain.Readiness;
import io.ulidmesh.rollout.domain.RolloutQueries;
import io.ulidmesh.rollout.domain.RolloutRecord;
import io.ulidmesh.rollout.domain.RolloutView;
import io.ulidmesh.common.text.InputText;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** gRPC adapter of ulidmesh.rollout.v1.RolloutService: protobuf to domain and back; actions queue on OperatorQueue, reads run on the worker pool. */
@GrpcService
public class RolloutGrpcService extends MutinyRolloutServiceGrpc.RolloutServiceImplBase {
    private static final String LISTING = "ListRollouts";
    private final OperatorQueue actions;
    private final RolloutQueries queries;
    private final Readiness readiness;
    private final EventFeed feed;
    private final DeploymentHealth health;
    private final Preview preview;

    public RolloutGrpcService(OperatorQueue actions, RolloutQueries queries, Readiness readiness,
                              EventFeed feed, DeploymentHealth health, Preview preview) {
        this.actions = actions;
        this.queries = queries;
        this.readiness = readiness;
        this.feed = feed;
        this.health = health;
        this.preview = preview;
    }

    @Override
    public Uni<Rollout> createRollout(CreateRolloutRequest request) {
        String actor = Actor.current();
        return answered(() -> actions.create(request.getPlanYaml(), request.getStart(), actor));
    }

    @Override
    public Uni<Rollout> getRollout(GetRolloutRequest request) {
        return Blocking.call(() -> ProtoMapping.rollout(queries.get(ProtoMapping.rolloutId("id", request.getId()))));
    }

    @Override
    public Uni<ListRolloutsResponse> listRollouts(ListRolloutsRequest request) {
        return Blocking.call(() -> {
            if (request.getPageSize() < 0) {
                throw DomainException.invalid("page_size must not be negative, got " + request.getPageSize());
            }
            int size = request.getPageSize() == 0 ? 100 : Math.min(request.getPageSize(), 1000);
            String before = PageTokens.read(LISTING, request.getPageToken(), null, id -> ProtoMapping.rolloutId("page_token", id));
            List<RolloutView> page = queries.list(size + 1, before);
            ListRolloutsResponse.Builder b = ListRolloutsResponse.newBuilder();
            page.stream().limit(size).forEach(v -> b.addRollouts(ProtoMapping.rollout(v)));
            if (page.size() > size) {
                b.setNextPageToken(PageTokens.issue(LISTING, page.get(size - 1).rollout().id()));
            }
            return b.build();
        });
    }

    @Override
    public Uni<Rollout> startRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return answered(() -> actions.start(id(request), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> pauseRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return answered(() -> actions.pause(id(request), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> resumeRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return answered(() -> actions.resume(id(request), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> promoteRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return answered(() -> actions.promote(id(request), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> rollbackRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return answered(() -> actions.rollback(id(request), request.getReason(), actor));
    }

    @Override
    public Uni<Rollout> abortRollout(RolloutActionRequest request) {
        String actor = Actor.current();
        return answered(() -> actions.abort(id(request), request.getReason(), actor));
    }

    /**
     * Replays the events after after_sequence, then each one as it is committed, by this replica or
     * another (EventFeed): every replica, active or standby, serves the same stream.
     */
    @Override
    public Multi<RolloutEvent> watchRollout(WatchRolloutRequest request) {
        return Blocking.call(() -> {
            String id = ProtoMapping.rolloutId("id", request.getId());
            if (request.getAfterSequence() < 0) {
                throw DomainException.invalid("after_sequence must not be negative, got " + request.getAfterSequence());
            }
            return queries.record(id).id();
        }).onItem().transformToMulti(id -> Multi.createFrom().<RolloutEvent>emitter(emitter -> {
            EventFeed.Watch watch = feed.watch(id, request.getAfterSequence(),
                    EventFeed.each(e -> emitter.emit(ProtoMapping.event(e)), emitter::fail));
            emitter.onTermination(watch::close);
        }));
    }

    @Override
    public Uni<ReportSignalResponse> reportSignal(ReportSignalRequest request) {
        long received = System.nanoTime();
        return Uni.createFrom().completionStage(() -> {
            InputText.plain("labels", request.getLabelsMap());
            String label = request.getLabelsMap().get("rollout_id");
            String only = label == null ? null : ProtoMapping.rolloutId("labels.rollout_id", label);
            return actions.report(request.getName(), request.getValue(), only, received);
        }).map(ProtoMapping::signalResult);
    }

    @Override
    public Uni<ReadinessReport> checkReadiness(CheckReadinessRequest request) {
        return Blocking.call(() -> {
            return ProtoMapping.readiness(switch (request.getSubjectCase()) {
                case PLAN_YAML -> readiness.check(request.getPlanYaml());
                case ID -> readiness.check(queries.plan(ProtoMapping.rolloutId("id", request.getId())));
                default -> throw DomainException.invalid("give plan_yaml or id");
            });
        });
    }

    @Override
    public Uni<io.ulidmesh.proto.rollout.v1.DeploymentHealth> getDeploymentHealth(GetDeploymentHealthRequest request) {
        return Blocking.call(() -> ProtoMapping.health(health.report(
                request.getId().isEmpty() ? null : queries.record(ProtoMapping.rolloutId("id", request.getId())).id())));
    }

    /** Reads only: queued on no OperatorQueue, since it changes nothing. */
    @Override
    public Uni<io.ulidmesh.proto.rollout.v1.RolloutPreview> previewRollout(PreviewRolloutRequest request) {
        return Blocking.call(() -> ProtoMapping.preview(preview.of(request.getPlanYaml())));
    }

    private static String id(RolloutActionRequest request) {
        return ProtoMapping.rolloutId("id", request.getId());
    }

    /** Once the queued action has run, reads the rollout it answers with on the worker pool. */
    private Uni<Rollout> answered(Supplier<CompletableFuture<RolloutRecord>> action) {
        return Uni.createFrom().completionStage(action)
                .chain(r -> Blocking.call(() -> ProtoMapping.rollout(queries.view(r))));
    }

    /** Requests protobuf cannot parse are INVALID_ARGUMENT naming the field (docs/architecture.md, "Errors"). */
    @Override
    public ServerServiceDefinition bindService() {
        return StrictParsing.of(super.bindService());
    }
}
