package io.ulidmesh.flags.api;

import static io.ulidmesh.common.auth.Role.OPERATOR;
import static io.ulidmesh.common.auth.Role.VIEWER;

import io.grpc.ServiceDescriptor;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.proto.flagd.evaluation.v1.ServiceGrpc;
import io.ulidmesh.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.testsupport.GatesContract;
import java.util.List;
import java.util.Map;

@QuarkusTest
class GatesTest extends GatesContract {
    @Override
    protected List<ServiceDescriptor> services() {
        return List.of(FlagServiceGrpc.getServiceDescriptor(), ServiceGrpc.getServiceDescriptor(),
                FlagSyncServiceGrpc.getServiceDescriptor());
    }

    @Override
    protected Map<String, Role> expectedRoles() {
        return Map.ofEntries(
                Map.entry("GetFlag", VIEWER), Map.entry("ListFlags", VIEWER), Map.entry("History", VIEWER),
                Map.entry("Evaluate", VIEWER), Map.entry("BatchEvaluate", VIEWER), Map.entry("Watch", VIEWER),
                Map.entry("SetFlag", OPERATOR), Map.entry("SetFlags", OPERATOR), Map.entry("DeleteFlag", OPERATOR),
                // The OpenFeature flagd protocol: every RPC is a read.
                Map.entry("ResolveAll", VIEWER), Map.entry("ResolveBoolean", VIEWER), Map.entry("ResolveString", VIEWER),
                Map.entry("ResolveFloat", VIEWER), Map.entry("ResolveInt", VIEWER), Map.entry("ResolveObject", VIEWER),
                Map.entry("EventStream", VIEWER),
                // flagd sync, which in-process providers follow: reads too.
                Map.entry("SyncFlags", VIEWER), Map.entry("FetchAllFlags", VIEWER), Map.entry("GetMetadata", VIEWER));
    }
}
