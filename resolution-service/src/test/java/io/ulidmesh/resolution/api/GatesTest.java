package io.ulidmesh.resolution.api;

import static io.ulidmesh.common.auth.Role.SERVICE;
import static io.ulidmesh.common.auth.Role.VIEWER;

import io.grpc.ServiceDescriptor;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.testsupport.GatesContract;
import java.util.List;
import java.util.Map;

@QuarkusTest
class GatesTest extends GatesContract {
    @Override
    protected List<ServiceDescriptor> services() {
        return List.of(ResolutionServiceGrpc.getServiceDescriptor());
    }

    @Override
    protected Map<String, Role> expectedRoles() {
        return Map.of("Resolve", VIEWER, "BatchResolve", VIEWER, "Trace", VIEWER, "Export", VIEWER,
                "GetStats", VIEWER, "Echo", VIEWER,
                "Generate", SERVICE, "Register", SERVICE, "RegisterStream", SERVICE, "Link", SERVICE);
    }
}
