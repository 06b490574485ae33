package io.ulidmesh.rollout.domain.port;

/** grpc.health.v1 of any service. A check that gets no answer is a {@link PeerFailure}. */
public interface HealthPort {
    /** The health of {@code service} ("" for the whole server) at {@code address} (host:port). */
    PeerHealth check(String address, String service);
}
