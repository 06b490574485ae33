package io.ulidmesh.resolution.api;

import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getBatchResolveMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getEchoMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getExportMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getGenerateMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getGetStatsMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getLinkMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getRegisterMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getRegisterStreamMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getResolveMethod;
import static io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc.getTraceMethod;

import io.grpc.MethodDescriptor;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.common.auth.RolePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** The role each ResolutionService RPC needs (docs/architecture.md, "Identity and roles"). */
@ApplicationScoped
public class ResolutionRoles implements RolePolicy {
    private static final Map<String, Role> ROLES = RolePolicy.table(Map.<MethodDescriptor<?, ?>, Role>of(
            getResolveMethod(), Role.VIEWER,
            getBatchResolveMethod(), Role.VIEWER,
            getTraceMethod(), Role.VIEWER,
            getExportMethod(), Role.VIEWER,
            getGetStatsMethod(), Role.VIEWER,
            getEchoMethod(), Role.VIEWER,
            getGenerateMethod(), Role.SERVICE,
            getRegisterMethod(), Role.SERVICE,
            getRegisterStreamMethod(), Role.SERVICE,
            getLinkMethod(), Role.SERVICE));

    @Override
    public Map<String, Role> roles() {
        return ROLES;
    }
}
