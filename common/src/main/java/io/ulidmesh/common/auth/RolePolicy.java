package io.ulidmesh.common.auth;

import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which role each gRPC method of a service needs. Every service declares one as a CDI bean; a method
 * it does not name needs {@link Role#ADMIN}, so a forgotten entry fails closed. The standard health
 * and reflection services are open to all (Kubernetes probes; reflection shows only public contracts).
 */
public interface RolePolicy {
    /** Full method name ({@code package.Service/Method}) to the role it needs. */
    Map<String, Role> roles();

    /** Empty for an open method, else the role {@code fullMethodName} needs. */
    default Optional<Role> required(String fullMethodName) {
        if (isOpen(fullMethodName)) {
            return Optional.empty();
        }
        return Optional.of(roles().getOrDefault(fullMethodName, Role.ADMIN));
    }

    /** A role table keyed by full method name, from the generated method descriptors. */
    static Map<String, Role> table(Map<MethodDescriptor<?, ?>, Role> roles) {
        Map<String, Role> byName = new HashMap<>();
        roles.forEach((method, role) -> byName.put(method.getFullMethodName(), role));
        return Map.copyOf(byName);
    }

    static boolean isOpen(String fullMethodName) {
        return fullMethodName.startsWith("grpc.health.v1.Health/")
                || fullMethodName.startsWith("grpc.reflection.v1alpha.ServerReflection/")
                || fullMethodName.startsWith("grpc.reflection.v1.ServerReflection/");
    }
}
