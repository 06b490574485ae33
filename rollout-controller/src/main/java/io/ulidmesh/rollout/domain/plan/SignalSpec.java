package io.ulidmesh.rollout.domain.plan;

/**
 * A signal of a plan. {@code query} and {@code url} serve prometheus ({@code url} empty: the
 * controller's configured server); {@code target} ({@code host:port}) and {@code service} serve grpc-health.
 */
public record SignalSpec(String name, SignalSource source, String query, String url, String target, String service,
                         NoDataPolicy onNoData) {
}
