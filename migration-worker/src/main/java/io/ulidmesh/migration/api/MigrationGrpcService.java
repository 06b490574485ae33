package io.ulidmesh.migration.api;

import io.grpc.ServerServiceDefinition;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.grpc.Blocking;
import io.ulidmesh.common.grpc.StrictParsing;
import io.ulidmesh.common.paging.PageTokens;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.migration.domain.Backfills;
import io.ulidmesh.common.text.InputText;
import io.ulidmesh.migration.domain.MigrationCatalog;
import io.ulidmesh.migration.domain.MigrationRecord;
import io.ulidmesh.migration.domain.StepRunner;
import io.ulidmesh.migration.domain.Tuner;
import io.ulidmesh.migration.domain.target.TargetRegistry;
import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsResponse;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.ListTargetsResponse;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.MutinyMigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.PlanRequest;
import io.ulidmesh.proto.migration.v1.PlanResponse;
import io.ulidmesh.proto.migration.v1.PlannedStep;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.TuneRequest;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import io.ulidmesh.proto.migration.v1.WatchMigrationRequest;
import java.time.Duration;
import java.util.List;

/** gRPC adapter of ulidmesh.migration.v1.MigrationService: translates and delegates; blocking work runs on worker threads. */
@GrpcService
public class MigrationGrpcService extends MutinyMigrationServiceGrpc.MigrationServiceImplBase {
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);
    private static final int DEFAULT_PAGE_SIZE = 100;
    private static final int MAX_PAGE_SIZE = 1000;

    private final TargetRegistry targets;
    private final MigrationCatalog catalog;
    private final StepRunner steps;
    private final Backfills backfills;
    private final Tuner tuner;

    MigrationGrpcService(TargetRegistry targets, MigrationCatalog catalog, StepRunner steps, Backfills backfills, Tuner tuner) {
        this.targets = targets;
        this.catalog = catalog;
        this.steps = steps;
        this.backfills = backfills;
        this.tuner = tuner;
    }

    @Override
    public Uni<Target> registerTarget(RegisterTargetRequest request) {
        String actor = Actor.current();
        return Blocking.call(() -> {
            ProtoMapping.refuseNul(request);
            return ProtoMapping.target(targets.register(request.getName(), request.getJdbcUrl(), request.getUsername(),
                    request.getPassword(), actor));
        });
    }

    @Override
    public Uni<ListTargetsResponse> listTargets(ListTargetsRequest request) {
        return Blocking.call(() -> ListTargetsResponse.newBuilder()
                .addAllTargets(targets.list().stream().map(ProtoMapping::target).toList()).build());
    }

    @Override
    public Uni<Migration> createMigration(CreateMigrationRequest request) {
        String actor = Actor.current();
        return Blocking.call(() -> ProtoMapping.migration(
                catalog.create(ProtoMapping.spec(ProtoMapping.refuseNul(request).getSpec()), actor)));
    }

    @Override
    public Uni<Migration> getMigration(GetMigrationRequest request) {
        return Blocking.call(() -> ProtoMapping.migration(
                backfills.progress(id(ProtoMapping.refuseNul(request).getId())).migration()));
    }

    /** Newest first; the page token carries the last id of the page and is bound to the target filter. */
    @Override
    public Uni<ListMigrationsResponse> listMigrations(ListMigrationsRequest request) {
        if (request.getPageSize() < 0) {
            return Uni.createFrom().failure(DomainException.invalid("page_size " + request.getPageSize() + " must not be negative"));
        }
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : Math.min(request.getPageSize(), MAX_PAGE_SIZE);
        String listing = request.getTarget().isEmpty() ? "migrations" : "migrations of target " + request.getTarget();
        return Blocking.call(() -> {
            ProtoMapping.refuseNul(request);
            String after = PageTokens.read(listing, request.getPageToken(), "", position -> Ulids.format(Ulids.parse("position", position)));
            List<MigrationRecord> page = catalog.list(request.getTarget(), after, size + 1);
            ListMigrationsResponse.Builder response = ListMigrationsResponse.newBuilder();
            page.stream().limit(size).map(ProtoMapping::migration).forEach(response::addMigrations);
            if (page.size() > size) {
                response.setNextPageToken(PageTokens.issue(listing, page.get(size - 1).id()));
            }
            return response.build();
        });
    }

    @Override
    public Uni<PlanResponse> plan(PlanRequest request) {
        return Blocking.call(() -> {
            ProtoMapping.refuseNul(request);
            if (request.hasSpec() == !request.getId().isEmpty()) {
                throw DomainException.invalid("set either id (a created migration) or spec (one not created yet)");
            }
            MigrationCatalog.Plan plan = request.hasSpec() ? catalog.plan(ProtoMapping.spec(request.getSpec()))
                    : catalog.plan(id(request.getId()));
            PlanResponse.Builder response = PlanResponse.newBuilder().setEstimate(ProtoMapping.estimate(plan.estimate()));
            plan.steps().forEach((step, sql) -> response.addSteps(PlannedStep.newBuilder().setStep(step).addAllSql(sql)));
            return response.build();
        });
    }

    @Override
    public Uni<Migration> expand(StepRequest request) {
        return step(request, (id, actor, reason) -> ProtoMapping.migration(steps.expand(id, actor, reason)));
    }

    @Override
    public Uni<Migration> backfill(StepRequest request) {
        return step(request, (id, actor, reason) -> ProtoMapping.migration(backfills.backfill(id, actor, reason)));
    }

    @Override
    public Uni<ValidationReport> validate(StepRequest request) {
        return step(request, (id, actor, reason) -> ProtoMapping.report(steps.validate(id, actor, reason)));
    }

    @Override
    public Uni<Migration> contract(StepRequest request) {
        return step(request, (id, actor, reason) -> ProtoMapping.migration(steps.contract(id, actor, reason)));
    }

    @Override
    public Uni<Migration> rollback(StepRequest request) {
        return step(request, (id, actor, reason) -> ProtoMapping.migration(steps.rollback(id, actor, reason)));
    }

    @Override
    public Uni<Migration> pause(StepRequest request) {
        return step(request, (id, actor, reason) -> ProtoMapping.migration(backfills.pause(id, actor, reason)));
    }

    @Override
    public Uni<Migration> resume(StepRequest request) {
        return step(request, (id, actor, reason) -> ProtoMapping.migration(backfills.resume(id, actor, reason)));
    }

    @Override
    public Uni<Migration> tune(TuneRequest request) {
        String actor = Actor.current();
        return Blocking.call(() -> {
            ProtoMapping.refuseNul(request);
            String id = id(request.getId());
            return ProtoMapping.migration(tuner.tune(id, request.hasMaxRowsPerSecond() ? request.getMaxRowsPerSecond() : null,
                    request.hasBatchSize() ? request.getBatchSize() : null, actor, InputText.plain("reason", request.getReason())));
        });
    }

    /** Reports every half second until the migration rests (anything but BACKFILLING); the last report shows that state. */
    @Override
    public Multi<MigrationProgress> watch(WatchMigrationRequest request) {
        String id;
        try {
            id = id(ProtoMapping.refuseNul(request).getId());
        } catch (DomainException e) {
            return Multi.createFrom().failure(e);
        }
        return Multi.createBy().repeating().uni(() -> Blocking.call(() -> ProtoMapping.progress(backfills.progress(id))))
                .whilst(p -> p.getState() == MigrationState.BACKFILLING)
                .onItem().call(p -> p.getState() == MigrationState.BACKFILLING
                        ? Uni.createFrom().nullItem().onItem().delayIt().by(WATCH_INTERVAL)
                        : Uni.createFrom().nullItem());
    }

    private static String id(String id) {
        return Ulids.format(Ulids.parse("id", id));
    }

    @FunctionalInterface
    private interface StepCall<T> {
        T run(String id, String actor, String reason);
    }

    /**
     * A step on one migration, its request checked before anything happens: no NUL anywhere, a
     * well-formed id, and a reason that is one line of text, since it is logged and recorded.
     */
    private static <T> Uni<T> step(StepRequest request, StepCall<T> call) {
        String actor = Actor.current();
        return Blocking.call(() -> {
            ProtoMapping.refuseNul(request);
            String id = id(request.getId());
            return call.run(id, actor, InputText.plain("reason", request.getReason()));
        });
    }

    /** Requests protobuf cannot parse are INVALID_ARGUMENT naming the field (docs/architecture.md, "Errors"). */
    @Override
    public ServerServiceDefinition bindService() {
        return StrictParsing.of(super.bindService());
    }
}
