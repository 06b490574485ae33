package io.ulidmesh.resolution.api;

import io.quarkus.grpc.GrpcService;
import io.ulidmesh.proto.resolution.v1.MutinyResolutionServiceGrpc;

/** gRPC adapter of ulidmesh.resolution.v1.ResolutionService; RPCs not yet built answer UNIMPLEMENTED. */
@GrpcService
public class ResolutionGrpcService extends MutinyResolutionServiceGrpc.ResolutionServiceImplBase {
}
