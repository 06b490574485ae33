package io.ulidmesh.rollout.api;

import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsResponse;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.PlanRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import io.ulidmesh.rollout.domain.port.MigrationEstimate;
import io.ulidmesh.rollout.domain.port.MigrationPort;
import io.ulidmesh.rollout.domain.port.MigrationRun;
import io.ulidmesh.rollout.domain.port.MigrationTarget;
import io.ulidmesh.rollout.domain.port.ValidationOutcome;
import java.util.List;
import java.util.Optional;

/** migration-worker over gRPC. */
public class MigrationWorkerClient implements MigrationPort {
    /** Migrations read per ListMigrations page while looking one up by name. */
    private static final int PAGE = 1000;
    /** The name a planned-only spec carries: the worker requires one and keeps nothing. */
    private static final String PLANNED = "rollout-preview";
    private final PeerChannels channels;
    private final String address;

    public MigrationWorkerClient(PeerChannels channels, String address) {
        this.channels = channels;
        this.address = address;
    }

    @Override
    public List<MigrationTarget> targets() {
        return PeerChannels.call("ListTargets", () -> stub().listTargets(ListTargetsRequest.getDefaultInstance()))
                .getTargetsList().stream().map(ProtoMapping::target).toList();
    }

    @Override
    public Optional<MigrationRun> find(String target, String name) {
        String token = "";
        do {
            String page = token;
            ListMigrationsResponse r = PeerChannels.call("ListMigrations " + target, () -> stub().listMigrations(
                    ListMigrationsRequest.newBuilder().setTarget(target).setPageSize(PAGE).setPageToken(page).build()));
            for (Migration m : r.getMigrationsList()) {
                if (m.getSpec().getName().equals(name)) {
                    return Optional.of(ProtoMapping.migrationRun(m));
                }
            }
            token = r.getNextPageToken();
        } while (!token.isEmpty());
        return Optional.empty();
    }

    @Override
    public MigrationRun create(String name, PlannedMigration spec) {
        return ProtoMapping.migrationRun(PeerChannels.call("CreateMigration " + name, () -> stub().createMigration(
                CreateMigrationRequest.newBuilder().setSpec(ProtoMapping.migrationSpec(name, spec)).build())));
    }

    @Override
    public MigrationEstimate plan(PlannedMigration spec) {
        String where = spec.target() + "." + spec.table();
        return ProtoMapping.estimate(PeerChannels.call("Plan " + where, () -> stub().plan(PlanRequest.newBuilder()
                .setSpec(ProtoMapping.migrationSpec(PLANNED, spec)).build())));
    }

    @Override
    public MigrationRun get(String id) {
        return ProtoMapping.migrationRun(PeerChannels.call("GetMigration " + id, () -> stub().getMigration(
                GetMigrationRequest.newBuilder().setId(id).build())));
    }

    @Override
    public void expand(String id, String reason) {
        PeerChannels.call("Expand " + id, () -> stub().expand(step(id, reason)));
    }

    @Override
    public void backfill(String id, String reason) {
        PeerChannels.call("Backfill " + id, () -> stub().backfill(step(id, reason)));
    }

    @Override
    public ValidationOutcome validate(String id, String reason) {
        return ProtoMapping.validation(PeerChannels.call("Validate " + id, () -> stub().validate(step(id, reason))));
    }

    @Override
    public void contract(String id, String reason) {
        PeerChannels.call("Contract " + id, () -> stub().contract(step(id, reason)));
    }

    @Override
    public MigrationRun rollback(String id, String reason) {
        return ProtoMapping.migrationRun(PeerChannels.call("Rollback " + id, () -> stub().rollback(step(id, reason))));
    }

    private static StepRequest step(String id, String reason) {
        return StepRequest.newBuilder().setId(id).setReason(reason).build();
    }

    private MigrationServiceGrpc.MigrationServiceBlockingStub stub() {
        return channels.stub(address, MigrationServiceGrpc::newBlockingStub);
    }
}
