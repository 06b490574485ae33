package io.ulidmesh.resolution.api;

import com.github.f4b6a3.ulid.Ulid;
import io.grpc.ServerCall;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.common.error.DomainException;
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
import io.ulidmesh.resolution.config.RegistryMetrics;
import io.ulidmesh.resolution.domain.Limits;
import io.ulidmesh.resolution.domain.RegisterCommand;
import io.ulidmesh.resolution.domain.Registry;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
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

    @Inject
    Registry registry;

    @Inject
    RegistryMetrics metrics;

    private final Executor worker = Infrastructure.getDefaultWorkerPool();

    @Override
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        return now(() -> {
            Ulid[] ulids = registry.generate(request.getCount());
            GenerateResponse.Builder b = GenerateResponse.newBuilder();
            for (Ulid u : ulids) {
                b.addUlids(u.toString());
            }
            return b.build();
        });
    }

    @Override
    public Uni<Reference> register(RegisterRequest request) {
        RegisterCommand command = ProtoMapping.command(request, Actor.current());
        return blocking(() -> ProtoMapping.reference(registry.register(command)));
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
                    return blocking(() -> registry.registerAll(chunk, first));
                }).merge(WRITES_IN_FLIGHT)
                .collect().in(RegisterStreamResponse::newBuilder, ProtoMapping::add)
                .map(ProtoMapping::inStreamOrder);
    }

    @Override
    public Uni<Reference> resolve(ResolveRequest request) {
        long start = System.nanoTime();
        Ulid ulid;
        try {
            ulid = Ulids.parse("ulid", request.getUlid());
        } catch (DomainException e) {
            return Uni.createFrom().failure(e);
        }
        io.ulidmesh.resolution.domain.Reference hit = registry.cached(ulid);
        if (hit != null) {
            Reference reply = ProtoMapping.reference(hit);
            metrics.resolved(true, System.nanoTime() - start);
            return Uni.createFrom().item(reply);
        }
        return blocking(() -> ProtoMapping.reference(registry.resolve(ulid)))
                .invoke(() -> metrics.resolved(false, System.nanoTime() - start));
    }

    @Override
    public Uni<BatchResolveResponse> batchResolve(BatchResolveRequest request) {
        List<Ulid> ulids;
        try {
            ulids = parseAll(request.getUlidsList());
        } catch (DomainException e) {
            return Uni.createFrom().failure(e);
        }
        Map<Ulid, io.ulidmesh.resolution.domain.Reference> cached = registry.cachedAll(ulids);
        if (allIn(cached, ulids)) {
            registry.countCacheHits(ulids.size());
            return Uni.createFrom().item(batchResponse(ulids, cached));
        }
        return blocking(() -> batchResponse(ulids, registry.resolveAll(ulids)));
    }

    private static boolean allIn(Map<Ulid, ?> found, List<Ulid> ulids) {
        for (Ulid u : ulids) {
            if (!found.containsKey(u)) {
                return false;
            }
        }
        return true;
    }

    private static List<Ulid> parseAll(List<String> texts) {
        if (texts.size() > Limits.MAX_BATCH_RESOLVE) {
            throw DomainException.invalid("ulids has " + texts.size() + " entries; at most "
                    + Limits.MAX_BATCH_RESOLVE + " are allowed");
        }
        List<Ulid> ulids = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            ulids.add(Ulids.parse("ulids[" + i + "]", texts.get(i)));
        }
        return ulids;
    }

    private static BatchResolveResponse batchResponse(List<Ulid> ulids,
                                                      Map<Ulid, io.ulidmesh.resolution.domain.Reference> found) {
        BatchResolveResponse.Builder b = BatchResolveResponse.newBuilder();
        for (Ulid u : ulids) {
            io.ulidmesh.resolution.domain.Reference r = found.get(u);
            if (r != null) {
                b.addReferences(ProtoMapping.reference(r));
            } else {
                b.addMissing(u.toString());
            }
        }
        return b.build();
    }

    @Override
    public Uni<LinkResponse> link(LinkRequest request) {
        return blocking(() -> ProtoMapping.link(
                registry.link(request.getFromUlid(), request.getToUlid(), request.getRelation())));
    }

    @Override
    public Uni<TraceResponse> trace(TraceRequest request) {
        return blocking(() -> ProtoMapping.trace(registry.trace(request.getUlid(), request.getMaxDepth())));
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
        try {
            system = request.getSystem().isEmpty() ? null : Limits.name("system", request.getSystem());
            after = request.getAfterUlid().isEmpty() ? null : Ulids.parse("after_ulid", request.getAfterUlid());
            if (request.getLimit() < 0) {
                throw DomainException.invalid("limit " + request.getLimit() + " is negative; use 0 for no limit");
            }
        } catch (DomainException e) {
            return Multi.createFrom().failure(e);
        }
        AtomicReference<Ulid> cursor = new AtomicReference<>(after);
        Multi<Reference> all = Multi.createBy().repeating()
                .uni(() -> ExportFlowControl.whenReady(call).chain(() -> call != null && call.isCancelled()
                        ? Uni.createFrom().item(List.<io.ulidmesh.resolution.domain.Reference>of())
                        : blocking(() -> registry.page(system, cursor.get(), CHUNK))))
                .until(List::isEmpty)
                .onItem().transformToIterable(page -> {
                    metrics.exported(page.size());
                    cursor.set(page.get(page.size() - 1).ulid());
                    return page.stream().map(ProtoMapping::reference).toList();
                });
        return request.getLimit() > 0 ? all.select().first(request.getLimit()) : all;
    }

    @Override
    public Uni<GetStatsResponse> getStats(GetStatsRequest request) {
        return blocking(() -> {
            var stats = registry.stats();
            metrics.references(stats.references());
            return ProtoMapping.stats(stats);
        });
    }

    @Override
    public Uni<EchoResponse> echo(EchoRequest request) {
        return Uni.createFrom().item(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
    }

    private <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(worker);
    }

    private static <T> Uni<T> now(Supplier<T> work) {
        try {
            return Uni.createFrom().item(work.get());
        } catch (DomainException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
