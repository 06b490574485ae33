package io.ulidmesh.migration.api;

import io.quarkus.grpc.GrpcService;
import io.ulidmesh.proto.migration.v1.MutinyMigrationServiceGrpc;

/** gRPC adapter of ulidmesh.migration.v1.MigrationService; RPCs not yet built answer UNIMPLEMENTED. */
@GrpcService
public class MigrationGrpcService extends MutinyMigrationServiceGrpc.MigrationServiceImplBase {
}
