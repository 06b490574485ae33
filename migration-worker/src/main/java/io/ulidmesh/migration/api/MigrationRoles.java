package io.ulidmesh.migration.api;

import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getBackfillMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getContractMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getCreateMigrationMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getExpandMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getGetMigrationMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getListMigrationsMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getListTargetsMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getPauseMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getPlanMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getRegisterTargetMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getResumeMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getRollbackMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getTuneMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getValidateMethod;
import static io.ulidmesh.proto.migration.v1.MigrationServiceGrpc.getWatchMethod;

import io.grpc.MethodDescriptor;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.common.auth.RolePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * The role each MigrationService RPC needs (docs/architecture.md, "Identity and roles"): steps that
 * cannot lose data are for operators; targets, Contract and Rollback are for admins.
 */
@ApplicationScoped
public class MigrationRoles implements RolePolicy {
    private static final Map<String, Role> ROLES = RolePolicy.table(Map.ofEntries(
            Map.<MethodDescriptor<?, ?>, Role>entry(getListTargetsMethod(), Role.VIEWER),
            Map.entry(getGetMigrationMethod(), Role.VIEWER),
            Map.entry(getListMigrationsMethod(), Role.VIEWER),
            Map.entry(getWatchMethod(), Role.VIEWER),
            Map.entry(getCreateMigrationMethod(), Role.OPERATOR),
            Map.entry(getPlanMethod(), Role.OPERATOR),
            Map.entry(getExpandMethod(), Role.OPERATOR),
            Map.entry(getBackfillMethod(), Role.OPERATOR),
            Map.entry(getPauseMethod(), Role.OPERATOR),
            Map.entry(getResumeMethod(), Role.OPERATOR),
            Map.entry(getValidateMethod(), Role.OPERATOR),
            Map.entry(getTuneMethod(), Role.OPERATOR),
            Map.entry(getRegisterTargetMethod(), Role.ADMIN),
            Map.entry(getContractMethod(), Role.ADMIN),
            Map.entry(getRollbackMethod(), Role.ADMIN)));

    @Override
    public Map<String, Role> roles() {
        return ROLES;
    }
}
