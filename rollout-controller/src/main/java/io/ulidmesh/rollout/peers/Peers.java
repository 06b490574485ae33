package io.ulidmesh.rollout.peers;

import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsResponse;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.ValidationReport;
import io.ulidmesh.rollout.config.RolloutConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Blocking gRPC calls to the flag service, the migration worker and grpc.health.v1 of any service. */
@ApplicationScoped
public class Peers {
    private final RolloutConfig config;
    private final Channels channels = new Channels();

    public Peers(RolloutConfig config) {
        this.config = config;
    }

    /** A flag's value and version. */
    public record FlagState(int basisPoints, long version) {
    }

    public Optional<FlagState> getFlag(String name) {
        try {
            Flag f = flags().getFlag(GetFlagRequest.newBuilder().setName(name).build());
            return Optional.of(new FlagState(f.getBasisPoints(), f.getVersion()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw PeerException.of("GetFlag " + name, e);
        }
    }

    /**
     * Sets the flag only if it is still at {@code expectedVersion}. flag-service checks no version
     * when it is 0 and has no "create only if absent", so 0 is for a flag read as absent and such a
     * write still replaces a flag created since that read.
     */
    public FlagState setFlag(String name, int basisPoints, long expectedVersion, String reason) throws FlagVersionConflict {
        Flag f = flagWrite("SetFlag " + name, () -> flags().setFlag(SetFlagRequest.newBuilder().setName(name)
                .setBasisPoints(basisPoints).setExpectedVersion(expectedVersion).setReason(reason).build()));
        return new FlagState(f.getBasisPoints(), f.getVersion());
    }

    /** Deletes the flag only if it is still at {@code expectedVersion}; false when it is already gone. */
    public boolean deleteFlag(String name, long expectedVersion, String reason) throws FlagVersionConflict {
        try {
            flagWrite("DeleteFlag " + name, () -> flags().deleteFlag(DeleteFlagRequest.newBuilder().setName(name)
                    .setExpectedVersion(expectedVersion).setReason(reason).build()));
            return true;
        } catch (PeerException e) {
            if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    public List<Target> targets() {
        return call("ListTargets", () -> migrations().listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList());
    }

    /** The migration named {@code name} on {@code target}, if the worker has one. */
    public Optional<Migration> findMigration(String target, String name) {
        String token = "";
        do {
            String page = token;
            ListMigrationsResponse r = call("ListMigrations " + target, () -> migrations().listMigrations(
                    ListMigrationsRequest.newBuilder().setTarget(target).setPageSize(1000).setPageToken(page).build()));
            for (Migration m : r.getMigrationsList()) {
                if (m.getSpec().getName().equals(name)) {
                    return Optional.of(m);
                }
            }
            token = r.getNextPageToken();
        } while (!token.isEmpty());
        return Optional.empty();
    }

    public Migration createMigration(MigrationSpec spec) {
        return call("CreateMigration " + spec.getName(), () -> migrations().createMigration(
                CreateMigrationRequest.newBuilder().setSpec(spec).build()));
    }

    public Migration getMigration(String id) {
        return call("GetMigration " + id, () -> migrations().getMigration(GetMigrationRequest.newBuilder().setId(id).build()));
    }

    public Migration expand(String id, String reason) {
        return call("Expand " + id, () -> migrations().expand(step(id, reason)));
    }

    public Migration backfill(String id, String reason) {
        return call("Backfill " + id, () -> migrations().backfill(step(id, reason)));
    }

    public ValidationReport validate(String id, String reason) {
        return call("Validate " + id, () -> migrations().validate(step(id, reason)));
    }

    public Migration contract(String id, String reason) {
        return call("Contract " + id, () -> migrations().contract(step(id, reason)));
    }

    public Migration rollbackMigration(String id, String reason) {
        return call("Rollback " + id, () -> migrations().rollback(step(id, reason)));
    }

    /** grpc.health.v1 Check of {@code service} ("" for the whole server) at {@code address}. */
    public HealthCheckResponse.ServingStatus health(String address, String service) {
        try {
            return HealthGrpc.newBlockingStub(channels.to(address))
                    .withDeadlineAfter(config.peerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
        } catch (StatusRuntimeException e) {
            throw PeerException.of("health check of " + address, e);
        }
    }

    public String flagServiceAddress() {
        return config.flagService();
    }

    public String migrationWorkerAddress() {
        return config.migrationWorker();
    }

    private static StepRequest step(String id, String reason) {
        return StepRequest.newBuilder().setId(id).setReason(reason).build();
    }

    private FlagServiceGrpc.FlagServiceBlockingStub flags() {
        return FlagServiceGrpc.newBlockingStub(channels.to(config.flagService()))
                .withDeadlineAfter(config.peerTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private MigrationServiceGrpc.MigrationServiceBlockingStub migrations() {
        return MigrationServiceGrpc.newBlockingStub(channels.to(config.migrationWorker()))
                .withDeadlineAfter(config.peerTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A flag write whose ABORTED answer (expected_version no longer current) is a {@link FlagVersionConflict}. */
    private static <T> T flagWrite(String what, Supplier<T> call) throws FlagVersionConflict {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.ABORTED) {
                throw new FlagVersionConflict(what + ": " + e.getStatus().getDescription(), e);
            }
            throw PeerException.of(what, e);
        }
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw PeerException.of(what, e);
        }
    }

    @PreDestroy
    void close() {
        channels.close();
    }
}
