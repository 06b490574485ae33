package io.ulidmesh.flags.api;

import io.grpc.ServerServiceDefinition;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.common.grpc.Blocking;
import io.ulidmesh.common.grpc.StrictParsing;
import io.ulidmesh.flags.domain.EvaluationResult;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.Page;
import io.ulidmesh.flags.domain.RecordedChange;
import io.ulidmesh.flags.domain.Written;
import io.ulidmesh.flags.metrics.FlagMetrics;
import io.ulidmesh.proto.flags.v1.BatchEvaluateRequest;
import io.ulidmesh.proto.flags.v1.BatchEvaluateResponse;
import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.flags.v1.DeleteFlagResponse;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.Evaluation;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagEvent;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.HistoryResponse;
import io.ulidmesh.proto.flags.v1.ListFlagsRequest;
import io.ulidmesh.proto.flags.v1.ListFlagsResponse;
import io.ulidmesh.proto.flags.v1.MutinyFlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsRequest;
import io.ulidmesh.proto.flags.v1.SetFlagsResponse;
import io.ulidmesh.proto.flags.v1.WatchRequest;

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
        return Blocking.call(() -> {
            Written written = flags.set(ProtoMapping.command(request), actor);
            metrics.changed(written);
            return ProtoMapping.flag(written.flag());
        });
    }

    @Override
    public Uni<SetFlagsResponse> setFlags(SetFlagsRequest request) {
        String actor = Actor.current();
        return Blocking.call(() -> {
            Written written = flags.set(request.getFlagsList().stream().map(ProtoMapping::command).toList(), actor);
            metrics.changed(written);
            return ProtoMapping.written(written);
        });
    }

    @Override
    public Uni<Flag> getFlag(GetFlagRequest request) {
        return Blocking.call(() -> ProtoMapping.flag(flags.get(request.getName())));
    }

    @Override
    public Uni<ListFlagsResponse> listFlags(ListFlagsRequest request) {
        return Blocking.call(() -> {
            Page<FlagState> page = flags.list(request.getPageToken(), request.getPageSize());
            ListFlagsResponse.Builder response = ListFlagsResponse.newBuilder().setNextPageToken(page.nextPageToken());
            page.items().forEach(flag -> response.addFlags(ProtoMapping.flag(flag)));
            return response.build();
        });
    }

    @Override
    public Uni<DeleteFlagResponse> deleteFlag(DeleteFlagRequest request) {
        String actor = Actor.current();
        return Blocking.call(() -> {
            RecordedChange change = flags.delete(request.getName(), request.getExpectedVersion(), request.getReason(),
                    actor);
            metrics.deleted();
            return DeleteFlagResponse.newBuilder().setFlag(ProtoMapping.flag(change.flag())).build();
        });
    }

    @Override
    public Uni<Evaluation> evaluate(EvaluateRequest request) {
        EvaluationResult result = flags.evaluate(request.getFlag(), request.getEntityId());
        metrics.evaluated(result.reason());
        return Uni.createFrom().item(ProtoMapping.evaluation(result));
    }

    @Override
    public Uni<BatchEvaluateResponse> batchEvaluate(BatchEvaluateRequest request) {
        return Uni.createFrom().item(() -> {
            BatchEvaluateResponse.Builder response = BatchEvaluateResponse.newBuilder();
            for (EvaluationResult result : flags.evaluate(request.getFlagsList(), request.getEntityIdsList())) {
                metrics.evaluated(result.reason());
                response.addEvaluations(ProtoMapping.evaluation(result));
            }
            return response.build();
        });
    }

    /** Subscribed on the bounded setup pool: the replay reads the history from the database. */
    @Override
    public Multi<FlagEvent> watch(WatchRequest request) {
        return ChangeStreams.setUpOffTheEventLoop(ChangeStreams.<FlagEvent>open(metrics, emitter -> flags.watch(
                request.getAfterRevision(),
                snapshot -> ProtoMapping.snapshot(snapshot).forEach(emitter::emit),
                commit -> ProtoMapping.events(commit).forEach(emitter::emit))));
    }

    @Override
    public Uni<HistoryResponse> history(HistoryRequest request) {
        return Blocking.call(() -> {
            Page<RecordedChange> page = flags.history(request.getFlag(), request.getPageToken(), request.getPageSize());
            HistoryResponse.Builder response = HistoryResponse.newBuilder().setNextPageToken(page.nextPageToken());
            page.items().forEach(change -> response.addChanges(ProtoMapping.change(change)));
            return response.build();
        });
    }

    /** Requests protobuf cannot parse are INVALID_ARGUMENT naming the field (docs/architecture.md, "Errors"). */
    @Override
    public ServerServiceDefinition bindService() {
        return StrictParsing.of(super.bindService());
    }
}
