package io.ulidmesh.rollout.it;

import io.grpc.ManagedChannel;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import java.util.Map;

/**
 * A real flag-service on a fresh database, an operator's stub on it, and a real Prometheus scraping
 * it: the peers the controller's ITs drive. All of it is stopped with the class's {@link ItResources}.
 */
record FlagPeer(ServiceProcess service, ManagedChannel channel, FlagServiceGrpc.FlagServiceBlockingStub flags,
                PrometheusProcess prometheus) {

    static FlagPeer start(ItResources cleanup) throws Exception {
        ServiceProcess service = cleanup.add(ServiceProcess.start("flag-service", cleanup.database("flags"), Map.of()));
        ManagedChannel channel = TestChannels.to(service.port());
        cleanup.add(() -> channel.shutdownNow());
        PrometheusProcess prometheus = cleanup.add(PrometheusProcess.scraping("flag-service", service.address()));
        return new FlagPeer(service, channel, FlagServiceGrpc.newBlockingStub(TestChannels.as(channel, "it-operator")), prometheus);
    }
}
