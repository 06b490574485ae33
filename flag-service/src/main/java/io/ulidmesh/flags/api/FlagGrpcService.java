package io.ulidmesh.flags.api;

import io.quarkus.grpc.GrpcService;
import io.ulidmesh.proto.flags.v1.MutinyFlagServiceGrpc;

/** gRPC adapter of ulidmesh.flags.v1.FlagService; RPCs not yet built answer UNIMPLEMENTED. */
@GrpcService
public class FlagGrpcService extends MutinyFlagServiceGrpc.FlagServiceImplBase {
}
