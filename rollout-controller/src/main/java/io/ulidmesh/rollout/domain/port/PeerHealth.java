package io.ulidmesh.rollout.domain.port;

/** What a grpc.health.v1 Check answered. */
public enum PeerHealth {
    UNKNOWN, SERVING, NOT_SERVING
}
