package io.ulidmesh.migration.api;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.ulidmesh.common.actor.Actor;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.migration.service.MigrationService;
import io.ulidmesh.migration.service.TargetConnector;
import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsResponse;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.ListTargetsResponse;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MutinyMigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.PlanRequest;
import io.ulidmesh.proto.migration.v1.PlanResponse;
import io.ulidmesh.proto.migration.v1.PlannedStep;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import io.ulidmesh.proto.migration.v1.WatchMigrationRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** gRPC adapter of ulidmesh.migration.v1.MigrationService: translates and delegates; JDBC runs on worker threads. */
@GrpcService
public class MigrationGrpcService extends MutinyMigrationServiceGrpc.MigrationServiceImplBase {
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);

    private final MigrationService migrations;
    private final TargetConnector targets;

    MigrationGrpcService(MigrationService migrations, TargetConnector targets) {
        this.migrations = migrations;
        this.targets = targets;
    }

    @Override
    public Uni<Target> registerTarget(RegisterTargetRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.target(targets.register(request.getName(), request.getJdbcUrl(), request.getUsername(),
                request.getPassword(), actor)));
    }

    @Override
    public Uni<ListTargetsResponse> listTargets(ListTargetsRequest request) {
        return blocking(() -> ListTargetsResponse.newBuilder()
                .addAllTargets(targets.list().stream().map(ProtoMapper::target).toList()).build());
    }

    @Override
    public Uni<Migration> createMigration(CreateMigrationRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.migration(migrations.create(ProtoMapper.spec(request.getSpec()), actor)));
    }

    @Override
    public Uni<Migration> getMigration(GetMigrationRequest request) {
        return blocking(() -> ProtoMapper.migration(migrations.progress(id(request.getId())).migration()));
    }

    @Override
    public Uni<ListMigrationsResponse> listMigrations(ListMigrationsRequest request) {
        int size = request.getPageSize() <= 0 ? 100 : Math.min(request.getPageSize(), 1000);
        if (request.getPageSize() < 0) {
            return Uni.createFrom().failure(DomainException.invalid("page_size " + request.getPageSize() + " must not be negative"));
        }
        return blocking(() -> {
            String after = request.getPageToken().isEmpty() ? "" : Ulids.format(Ulids.parse("page_token", request.getPageToken()));
            List<io.ulidmesh.migration.domain.Migration> page = migrations.list(request.getTarget(), after, size + 1);
            ListMigrationsResponse.Builder response = ListMigrationsResponse.newBuilder();
            page.stream().limit(size).map(ProtoMapper::migration).forEach(response::addMigrations);
            if (page.size() > size) {
                response.setNextPageToken(page.get(size - 1).id());
            }
            return response.build();
        });
    }

    @Override
    public Uni<PlanResponse> plan(PlanRequest request) {
        return blocking(() -> {
            PlanResponse.Builder response = PlanResponse.newBuilder();
            migrations.plan(id(request.getId())).forEach((step, sql) ->
                    response.addSteps(PlannedStep.newBuilder().setStep(step).addAllSql(sql)));
            return response.build();
        });
    }

    @Override
    public Uni<Migration> expand(StepRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.migration(migrations.expand(id(request.getId()), actor, request.getReason())));
    }

    @Override
    public Uni<Migration> backfill(StepRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.migration(migrations.backfill(id(request.getId()), actor, request.getReason())));
    }

    @Override
    public Uni<ValidationReport> validate(StepRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.report(migrations.validate(id(request.getId()), actor, request.getReason())));
    }

    @Override
    public Uni<Migration> contract(StepRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.migration(migrations.contract(id(request.getId()), actor, request.getReason())));
    }

    @Override
    public Uni<Migration> rollback(StepRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.migration(migrations.rollback(id(request.getId()), actor, request.getReason())));
    }

    @Override
    public Uni<Migration> pause(StepRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.migration(migrations.pause(id(request.getId()), actor, request.getReason())));
    }

    @Override
    public Uni<Migration> resume(StepRequest request) {
        String actor = Actor.current();
        return blocking(() -> ProtoMapper.migration(migrations.resume(id(request.getId()), actor, request.getReason())));
    }

    /** Reports every half second until the migration rests (anything but BACKFILLING); the last report shows that state. */
    @Override
    public Multi<MigrationProgress> watch(WatchMigrationRequest request) {
        String id;
        try {
            id = id(request.getId());
        } catch (DomainException e) {
            return Multi.createFrom().failure(e);
        }
        return Multi.createBy().repeating().uni(() -> blocking(() -> ProtoMapper.progress(migrations.progress(id))))
                .whilst(p -> p.getState() == io.ulidmesh.proto.migration.v1.MigrationState.BACKFILLING)
                .onItem().call(p -> p.getState() == io.ulidmesh.proto.migration.v1.MigrationState.BACKFILLING
                        ? Uni.createFrom().nullItem().onItem().delayIt().by(WATCH_INTERVAL)
                        : Uni.createFrom().nullItem());
    }

    private static String id(String id) {
        return Ulids.format(Ulids.parse("id", id));
    }

    private static <T> Uni<T> blocking(Supplier<T> body) {
        return Uni.createFrom().item(body).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
