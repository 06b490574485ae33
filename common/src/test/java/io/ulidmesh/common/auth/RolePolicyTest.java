package io.ulidmesh.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RolePolicyTest {
    private final RolePolicy policy = () -> Map.of("pkg.Svc/Read", Role.VIEWER);

    @Test
    void healthAndReflectionAreOpen() {
        assertThat(policy.required("grpc.health.v1.Health/Check")).isEmpty();
        assertThat(policy.required("grpc.health.v1.Health/Watch")).isEmpty();
        assertThat(policy.required("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")).isEmpty();
        assertThat(policy.required("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")).isEmpty();
    }

    @Test
    void aNamedMethodNeedsItsRoleAndAForgottenOneNeedsAdmin() {
        assertThat(policy.required("pkg.Svc/Read")).contains(Role.VIEWER);
        assertThat(policy.required("pkg.Svc/Forgotten")).contains(Role.ADMIN);
        assertThat(policy.required("grpc.health.v1.HealthX/Check")).contains(Role.ADMIN);
    }
}
