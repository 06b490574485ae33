package io.ulidmesh.migration.api;

import static io.ulidmesh.common.auth.Role.ADMIN;
import static io.ulidmesh.common.auth.Role.OPERATOR;
import static io.ulidmesh.common.auth.Role.VIEWER;

import io.grpc.ServiceDescriptor;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.testsupport.GatesContract;
import java.util.List;
import java.util.Map;

@QuarkusTest
class GatesTest extends GatesContract {
    @Override
    protected List<ServiceDescriptor> services() {
        return List.of(MigrationServiceGrpc.getServiceDescriptor());
    }

    @Override
    protected Map<String, Role> expectedRoles() {
        return Map.ofEntries(
                Map.entry("ListTargets", VIEWER), Map.entry("GetMigration", VIEWER), Map.entry("ListMigrations", VIEWER),
                Map.entry("Watch", VIEWER),
                Map.entry("CreateMigration", OPERATOR), Map.entry("Plan", OPERATOR), Map.entry("Expand", OPERATOR),
                Map.entry("Backfill", OPERATOR), Map.entry("Pause", OPERATOR), Map.entry("Resume", OPERATOR),
                Map.entry("Validate", OPERATOR), Map.entry("Tune", OPERATOR),
                Map.entry("RegisterTarget", ADMIN), Map.entry("Contract", ADMIN), Map.entry("Rollback", ADMIN));
    }
}
