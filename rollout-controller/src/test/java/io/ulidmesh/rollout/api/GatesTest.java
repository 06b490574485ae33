package io.ulidmesh.rollout.api;

import static io.ulidmesh.common.auth.Role.OPERATOR;
import static io.ulidmesh.common.auth.Role.SERVICE;
import static io.ulidmesh.common.auth.Role.VIEWER;

import io.grpc.ServiceDescriptor;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.common.auth.Role;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.testsupport.GatesContract;
import java.util.List;
import java.util.Map;

@QuarkusTest
class GatesTest extends GatesContract {
    @Override
    protected List<ServiceDescriptor> services() {
        return List.of(RolloutServiceGrpc.getServiceDescriptor());
    }

    @Override
    protected Map<String, Role> expectedRoles() {
        return Map.ofEntries(
                Map.entry("GetRollout", VIEWER), Map.entry("ListRollouts", VIEWER), Map.entry("WatchRollout", VIEWER),
                Map.entry("CheckReadiness", VIEWER), Map.entry("GetDeploymentHealth", VIEWER), Map.entry("PreviewRollout", VIEWER),
                Map.entry("ReportSignal", SERVICE),
                Map.entry("CreateRollout", OPERATOR), Map.entry("StartRollout", OPERATOR), Map.entry("PauseRollout", OPERATOR),
                Map.entry("ResumeRollout", OPERATOR), Map.entry("PromoteRollout", OPERATOR),
                Map.entry("RollbackRollout", OPERATOR), Map.entry("AbortRollout", OPERATOR));
    }
}
