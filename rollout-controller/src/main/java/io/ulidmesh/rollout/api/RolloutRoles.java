package io.ulidmesh.rollout.api;

import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getAbortRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getCheckReadinessMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getCreateRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getGetDeploymentHealthMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getGetRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getListRolloutsMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getPauseRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getPreviewRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getPromoteRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getReportSignalMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getResumeRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getRollbackRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getStartRolloutMethod;
import static io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.getWatchRolloutMethod;

import io.grpc.MethodDescriptor;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.common.auth.RolePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** The role each RolloutService RPC needs (docs/architecture.md, "Identity and roles"). */
@ApplicationScoped
public class RolloutRoles implements RolePolicy {
    private static final Map<String, Role> ROLES = RolePolicy.table(Map.ofEntries(
            Map.<MethodDescriptor<?, ?>, Role>entry(getGetRolloutMethod(), Role.VIEWER),
            Map.entry(getListRolloutsMethod(), Role.VIEWER),
            Map.entry(getWatchRolloutMethod(), Role.VIEWER),
            Map.entry(getCheckReadinessMethod(), Role.VIEWER),
            Map.entry(getGetDeploymentHealthMethod(), Role.VIEWER),
            Map.entry(getPreviewRolloutMethod(), Role.VIEWER),
            Map.entry(getReportSignalMethod(), Role.SERVICE),
            Map.entry(getCreateRolloutMethod(), Role.OPERATOR),
            Map.entry(getStartRolloutMethod(), Role.OPERATOR),
            Map.entry(getPauseRolloutMethod(), Role.OPERATOR),
            Map.entry(getResumeRolloutMethod(), Role.OPERATOR),
            Map.entry(getPromoteRolloutMethod(), Role.OPERATOR),
            Map.entry(getRollbackRolloutMethod(), Role.OPERATOR),
            Map.entry(getAbortRolloutMethod(), Role.OPERATOR)));

    @Override
    public Map<String, Role> roles() {
        return ROLES;
    }
}
