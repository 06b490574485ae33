package io.ulidmesh.flags.api;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.ulidmesh.common.grpc.StrictParsing;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.metrics.FlagMetrics;
import io.ulidmesh.proto.flagd.sync.v1.FetchAllFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.FetchAllFlagsResponse;
import io.ulidmesh.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.GetMetadataRequest;
import io.ulidmesh.proto.flagd.sync.v1.GetMetadataResponse;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsRequest;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;

/**
 * flagd's sync protocol (flagd.sync.v1.FlagSyncService), which flagd's in-process providers of every
 * language connect to: our flags as flagd flag definitions ({@link FlagdDefinitions}), the full set
 * first and again after each revision ({@link SyncStream}). Plain grpc-java rather than Mutiny, so
 * each stream can see its transport's readiness and coalesce for slow readers.
 */
@GrpcService
@SuppressWarnings("deprecation") // GetMetadata is deprecated in flagd's contract, and still served
public class FlagdSyncGrpcService extends FlagSyncServiceGrpc.FlagSyncServiceImplBase {
    private final FlagMetrics metrics;
    private final SyncDocuments documents;

    FlagdSyncGrpcService(Flags flags, FlagMetrics metrics) {
        this.metrics = metrics;
        this.documents = new SyncDocuments(flags);
    }

    @Override
    public void syncFlags(SyncFlagsRequest request, StreamObserver<SyncFlagsResponse> responses) {
        ServerCallStreamObserver<SyncFlagsResponse> observer = (ServerCallStreamObserver<SyncFlagsResponse>) responses;
        SyncStream stream = new SyncStream(observer, documents, CallEventLoop.current());
        metrics.watcherStarted();
        observer.setOnCancelHandler(() -> {
            metrics.watcherEnded();
            stream.close();
            documents.remove(stream);
        });
        observer.setOnReadyHandler(stream::changed);
        documents.add(stream);
    }

    @Override
    public void fetchAllFlags(FetchAllFlagsRequest request, StreamObserver<FetchAllFlagsResponse> responses) {
        responses.onNext(FetchAllFlagsResponse.newBuilder()
                .setFlagConfiguration(documents.current().response().getFlagConfiguration()).build());
        responses.onCompleted();
    }

    @Override
    public void getMetadata(GetMetadataRequest request, StreamObserver<GetMetadataResponse> responses) {
        responses.onNext(GetMetadataResponse.newBuilder().setMetadata(Struct.newBuilder()
                .putFields("flagSetId", Value.newBuilder().setStringValue("ulidmesh").build())).build());
        responses.onCompleted();
    }

    /** Requests protobuf cannot parse are INVALID_ARGUMENT naming the field (docs/architecture.md, "Errors"). */
    @Override
    public ServerServiceDefinition bindService() {
        return StrictParsing.of(super.bindService());
    }
}
