package io.ulidmesh.resolution.api;

import com.github.f4b6a3.ulid.Ulid;
import io.grpc.ServerCall;
import io.grpc.ServerServiceDefinition;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import io.ulidmesh.common.grpc.Blocking;
import io.ulidmesh.common.grpc.StrictParsing;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.proto.resolution.v1.BatchResolveRequest;
import io.ulidmesh.proto.resolution.v1.BatchResolveResponse;
import io.ulidmesh.proto.resolution.v1.EchoRequest;
import io.ulidmesh.proto.resolution.v1.EchoResponse;
import io.ulidmesh.proto.resolution.v1.ExportRequest;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.GenerateResponse;
import io.ulidmesh.proto.resolution.v1.GetStatsRequest;
import io.ulidmesh.proto.resolution.v1.GetStatsResponse;
import io.ulidmesh.proto.resolution.v1.LinkRequest;
import io.ulidmesh.proto.resolution.v1.LinkResponse;
import io.ulidmesh.proto.resolution.v1.MutinyResolutionServiceGrpc;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.RegisterStreamResponse;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.proto.resolution.v1.TraceRequest;
import io.ulidmesh.proto.resolution.v1.TraceResponse;
import io.ulidmesh.resolution.config.ResolutionConfig;
import io.ulidmesh.resolution.domain.Limits;
import io.ulidmesh.resolution.domain.RegisteredReference;
import io.ulidmesh.resolution.domain.Registry;
import io.ulidmesh.resolution.domain.StreamOutcome;
import io.ulidmesh.resolution.metrics.ResolutionMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * gRPC adapter of ulidmesh.resolution.v1.ResolutionService. Generate and cache hits are answered on
 * the event loop; everything touching PostgreSQL runs on the worker pool.
 */
@GrpcService
@RegisterInterceptor(ExportFlowControl.class)
public class ResolutionGrpcService extends MutinyResolutionServiceGrpc.ResolutionServiceImplBase {
    /** Rows per RegisterStream insert and per Export query. */
    static final int CHUNK = 1000;
    private static final int WRITES_IN_FLIGHT = 2;

    private final Registry registry;
    private final ResolutionMetrics metrics;
    private final ResolutionConfig config;

    ResolutionGrpcService(Registry registry, ResolutionMetrics metrics, ResolutionConfig config) {
        this.registry = registry;
        this.metrics = metrics;
        this.config = config;
    }

    @Override
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        return now(() -> ProtoMapping.generated(registry.generate(request.getCount())));
    }

    @Override
    public Uni<Reference> register(RegisterRequest request) {
        String actor = Actor.current();
        return Blocking.call(() -> ProtoMapping.reference(registry.register(ProtoMapping.command(request, actor))));
    }

    @Override
    public Uni<RegisterStreamResponse> registerStream(Multi<RegisterRequest> requests) {
        AtomicLong index = new AtomicLong();
        String actor = Actor.current();
        return requests.map(request -> ProtoMapping.command(request, actor))
                .group().intoLists().of(CHUNK)
                // Two chunks in flight: one is written while the next is received. Racing chunks with
                // the same ULID are safe: ON CONFLICT waits for the other insert, then compares.
                .onItem().transformToUni(chunk -> {
                    long first = index.getAndAdd(chunk.size());
                    return Blocking.call(() -> registry.registerAll(chunk, first));
                }).merge(WRITES_IN_FLIGHT)
                .collect().in(() -> new StreamOutcome(config.maxListedErrors()), StreamOutcome::add)
                .map(ProtoMapping::registerStream);
    }

    @Override
    public Uni<Reference> resolve(ResolveRequest request) {
        long start = System.nanoTime();
        Ulid ulid;
        try {
            ulid = Ulids.parse("ulid", request.getUlid());
        } catch (DomainException e) {
            metrics.resolutionRefused();
            return Uni.createFrom().failure(e);
        }
        RegisteredReference hit = registry.cached(ulid);
        if (hit != null) {
            Reference reply = ProtoMapping.reference(hit);
            metrics.resolved(true, System.nanoTime() - start);
            metrics.resolutions(1, 0);
            return Uni.createFrom().item(reply);
        }
        return Blocking.call(() -> ProtoMapping.reference(registry.resolve(ulid)))
                .invoke(() -> {
                    metrics.resolved(false, System.nanoTime() - start);
                    metrics.resolutions(1, 0);
                })
                .onFailure().invoke(e -> {
                    if (e instanceof DomainException d && d.kind() == ErrorKind.NOT_FOUND) {
                        metrics.resolutions(0, 1);
                    } else {
                        metrics.resolutionFailed(1);
                    }
                });
    }

    @Override
    public Uni<BatchResolveResponse> batchResolve(BatchResolveRequest request) {
        List<Ulid> ulids;
        try {
            ulids = Limits.batchResolve(request.getUlidsList());
        } catch (DomainException e) {
            metrics.resolutionRefused();
            return Uni.createFrom().failure(e);
        }
        Map<Ulid, RegisteredReference> cached = registry.allCached(ulids);
        if (cached != null) {
            metrics.resolutions(ulids.size(), 0);
            return Uni.createFrom().item(ProtoMapping.batch(ulids, cached));
        }
        return Blocking.call(() -> ProtoMapping.batch(ulids, registry.resolveAll(ulids)))
                .invoke(reply -> metrics.resolutions(reply.getReferencesCount(), reply.getMissingCount()))
                .onFailure().invoke(e -> metrics.resolutionFailed(ulids.size()));
    }

    @Override
    public Uni<LinkResponse> link(LinkRequest request) {
        String actor = Actor.current();
        return Blocking.call(() -> ProtoMapping.link(
                registry.link(request.getFromUlid(), request.getToUlid(), request.getRelation(), actor)));
    }

    @Override
    public Uni<TraceResponse> trace(TraceRequest request) {
        return Blocking.call(() -> ProtoMapping.trace(registry.trace(request.getUlid(), request.getMaxDepth())));
    }

    /**
     * Keyset pagination in chunks; the next chunk is read only when the transport is ready for more,
     * and not at all once the client has gone.
     */
    @Override
    public Multi<Reference> export(ExportRequest request) {
        ServerCall<?, ?> call = ExportFlowControl.currentCall();
        String system;
        Ulid after;
        long limit;
        try {
            system = request.getSystem().isEmpty() ? null : Limits.name("system", request.getSystem());
            after = request.getAfterUlid().isEmpty() ? null : Ulids.parse("after_ulid", request.getAfterUlid());
            limit = Limits.exportLimit(request.getLimit());
        } catch (DomainException e) {
            return Multi.createFrom().failure(e);
        }
        AtomicReference<Ulid> cursor = new AtomicReference<>(after);
        Multi<Reference> all = Multi.createBy().repeating()
                .uni(() -> ExportFlowControl.whenReady(call).chain(() -> call != null && call.isCancelled()
                        ? Uni.createFrom().item(List.<RegisteredReference>of())
                        : Blocking.call(() -> registry.page(system, cursor.get(), CHUNK))))
                .until(List::isEmpty)
                .onItem().transformToIterable(page -> {
                    cursor.set(page.get(page.size() - 1).ulid());
                    return page.stream().map(ProtoMapping::reference).toList();
                });
        return limit > 0 ? all.select().first(limit) : all;
    }

    @Override
    public Uni<GetStatsResponse> getStats(GetStatsRequest request) {
        return Blocking.call(() -> ProtoMapping.stats(registry.stats()));
    }

    @Override
    public Uni<EchoResponse> echo(EchoRequest request) {
        return Uni.createFrom().item(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
    }

    /** Event-loop work whose refusal becomes a failed Uni rather than a thrown exception. */
    private static <T> Uni<T> now(Supplier<T> work) {
        try {
            return Uni.createFrom().item(work.get());
        } catch (DomainException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** Requests protobuf cannot parse are INVALID_ARGUMENT naming the field (docs/architecture.md, "Errors"). */
    @Override
    public ServerServiceDefinition bindService() {
        return StrictParsing.of(super.bindService());
    }
}
