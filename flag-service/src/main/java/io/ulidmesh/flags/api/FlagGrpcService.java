package io.ulidmesh.flags.api;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.domain.FlagChange;
import io.ulidmesh.flags.domain.FlagRules;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.SetFlagCommand;
import io.ulidmesh.flags.metrics.FlagMetrics;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.BatchEvaluateResponse;
import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.flags.v1.DeleteFlagResponse;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.Evaluation;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.FlagEventType;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.HistoryResponse;
import io.ulidmesh.proto.flags.v1.ListFlagsRequest;
import io.ulidmesh.proto.flags.v1.ListFlagsResponse;
import io.ulidmesh.proto.flags.v1.MutinyFlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.WatchRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** gRPC adapter of ulidmesh.flags.v1.FlagService: writes and history on worker threads, evaluations from memory. */
@GrpcService
public class FlagGrpcService extends MutinyFlagServiceGrpc.FlagServiceImplBase {
    private final Flags flags;
    private final FlagMetrics metrics;

    FlagGrpcService(Flags flags, FlagMetrics metrics) {
        this.flags = flags;
        this.metrics = metrics;
    }

    @Override
    public Uni<Flag> setFlag(SetFlagRequest request) {
        String actor = Actor.current();
        return blocking(() -> {
            Integer bp = switch (request.getStateCase()) {
                case ENABLED -> request.getEnabled() ? 10_000 : 0;
                case PERCENTAGE -> FlagRules.basisPointsOfPercentage(request.getPercentage());
                case BASIS_POINTS -> FlagRules.basisPoints(request.getBasisPoints());
                case STATE_NOT_SET -> null;
            };
            SetFlagCommand command = new SetFlagCommand(FlagRules.name(request.getName()), bp,
                    FlagRules.text("reason", request.getReason()), FlagRules.expectedVersion(request.getExpectedVersion()),
                    FlagRules.text("description", request.getDescription()), FlagRules.cohort(request.getCohort()));
            var written = flags.set(command, actor);
            if (written.change() != null) {
                metrics.changed(written.flag());
            }
            return ProtoMapping.flag(written.flag());
        });
    }

    @Override
    public Uni<Flag> getFlag(GetFlagRequest request) {
        return blocking(() -> ProtoMapping.flag(flags.get(request.getName())));
    }

    @Override
    public Uni<ListFlagsResponse> listFlags(ListFlagsRequest request) {
        return blocking(() -> {
            int size = FlagRules.pageSize(request.getPageSize());
            String after = request.getPageToken().isEmpty() ? "" : FlagRules.position(request.getPageToken());
            List<FlagState> page = flags.list(after, size + 1);
            ListFlagsResponse.Builder response = ListFlagsResponse.newBuilder();
            page.stream().limit(size).map(ProtoMapping::flag).forEach(response::addFlags);
            if (page.size() > size) {
                response.setNextPageToken(FlagRules.token(page.get(size - 1).name()));
            }
            return response.build();
        });
    }

    @Override
    public Uni<DeleteFlagResponse> deleteFlag(DeleteFlagRequest request) {
        String actor = Actor.current();
        return blocking(() -> {
            FlagChange change = flags.delete(request.getName(), request.getExpectedVersion(), request.getReason(), actor);
            metrics.deleted(change.flag());
            return DeleteFlagResponse.newBuilder().setFlag(ProtoMapping.flag(change.flag())).build();
        });
    }

    @Override
    public Uni<Evaluation> evaluate(EvaluateRequest request) {
        var evaluation = flags.evaluate(request.getFlag(), request.getEntityId());
        metrics.evaluated(evaluation.reason());
        return Uni.createFrom().item(ProtoMapping.evaluation(evaluation));
    }

    @Override
    public Uni<BatchEvaluateResponse> batchEvaluate(BatchEvaluateRequest request) {
        return Uni.createFrom().item(() -> {
            FlagRules.batchSize(request.getFlagsCount(), request.getEntityIdsCount());
            BatchEvaluateResponse.Builder response = BatchEvaluateResponse.newBuilder();
            for (String flag : request.getFlagsList()) {
                for (String entity : request.getEntityIdsList()) {
                    var evaluation = flags.evaluate(flag, entity);
                    metrics.evaluated(evaluation.reason());
                    response.addEvaluations(ProtoMapping.evaluation(evaluation));
                }
            }
            return response.build();
        });
    }

    @Override
    public Multi<FlagEvent> watch(WatchRequest request) {
        return Multi.createFrom().<FlagEvent>emitter(emitter -> {
            AtomicReference<ChangeFeed.Subscription> subscription = new AtomicReference<>();
            metrics.watcherStarted();
            emitter.onTermination(() -> {
                metrics.watcherEnded();
                close(subscription);
            });
            try {
                subscription.set(flags.watch(request.getAfterRevision(),
                        c -> emitter.emit(ProtoMapping.event(c, FlagEventType.SNAPSHOT)),
                        c -> emitter.emit(ProtoMapping.event(c))));
                if (emitter.isCancelled()) {
                    close(subscription);
                }
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        }, BackPressureStrategy.BUFFER).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public Uni<HistoryResponse> history(HistoryRequest request) {
        return blocking(() -> {
            int size = FlagRules.pageSize(request.getPageSize());
            long before = request.getPageToken().isEmpty() ? Long.MAX_VALUE
                    : FlagRules.revisionPosition(request.getPageToken());
            List<FlagChange> page = flags.history(request.getFlag(), before, size + 1);
            HistoryResponse.Builder response = HistoryResponse.newBuilder();
            page.stream().limit(size).map(ProtoMapping::change).forEach(response::addChanges);
            if (page.size() > size) {
                response.setNextPageToken(FlagRules.token(Long.toString(page.get(size - 1).revision())));
            }
            return response.build();
        });
    }

    static void close(AtomicReference<ChangeFeed.Subscription> subscription) {
        ChangeFeed.Subscription s = subscription.getAndSet(null);
        if (s != null) {
            s.close();
        }
    }

    static <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
