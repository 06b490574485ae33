package io.ulidmesh.rollout.api;

import io.quarkus.grpc.GrpcService;
import io.ulidmesh.proto.rollout.v1.MutinyRolloutServiceGrpc;

/** gRPC adapter of ulidmesh.rollout.v1.RolloutService; RPCs not yet built answer UNIMPLEMENTED. */
@GrpcService
public class RolloutGrpcService extends MutinyRolloutServiceGrpc.RolloutServiceImplBase {
}
