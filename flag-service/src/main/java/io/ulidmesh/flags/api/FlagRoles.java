package io.ulidmesh.flags.api;

import io.grpc.MethodDescriptor;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.common.auth.RolePolicy;
import io.ulidmesh.proto.flagd.evaluation.v1.ServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/**
 * The role each FlagService RPC needs (docs/architecture.md, "Identity and roles"). Every RPC of
 * the flagd evaluation and sync protocols is a read.
 */
@ApplicationScoped
public class FlagRoles implements RolePolicy {
    private static final Map<String, Role> ROLES = build();

    private static Map<String, Role> build() {
        Map<MethodDescriptor<?, ?>, Role> roles = new HashMap<>(Map.of(
                FlagServiceGrpc.getGetFlagMethod(), Role.VIEWER,
                FlagServiceGrpc.getListFlagsMethod(), Role.VIEWER,
                FlagServiceGrpc.getHistoryMethod(), Role.VIEWER,
                FlagServiceGrpc.getEvaluateMethod(), Role.VIEWER,
                FlagServiceGrpc.getBatchEvaluateMethod(), Role.VIEWER,
                FlagServiceGrpc.getWatchMethod(), Role.VIEWER,
                FlagServiceGrpc.getSetFlagMethod(), Role.OPERATOR,
                FlagServiceGrpc.getSetFlagsMethod(), Role.OPERATOR,
                FlagServiceGrpc.getDeleteFlagMethod(), Role.OPERATOR));
        ServiceGrpc.getServiceDescriptor().getMethods().forEach(m -> roles.put(m, Role.VIEWER));
        FlagSyncServiceGrpc.getServiceDescriptor().getMethods().forEach(m -> roles.put(m, Role.VIEWER));
        return RolePolicy.table(roles);
    }

    @Override
    public Map<String, Role> roles() {
        return ROLES;
    }
}
