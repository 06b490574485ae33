package io.ulidmesh.rollout.api;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.ulidmesh.rollout.domain.port.HealthPort;
import io.ulidmesh.rollout.domain.port.PeerHealth;

/** grpc.health.v1 Check of any service. */
public class HealthClient implements HealthPort {
    private final PeerChannels channels;

    public HealthClient(PeerChannels channels) {
        this.channels = channels;
    }

    @Override
    public PeerHealth check(String address, String service) {
        return ProtoMapping.health(PeerChannels.call("health check of " + address, () -> channels.stub(address, HealthGrpc::newBlockingStub)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus()));
    }
}
