package io.ulidmesh.migration.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.proto.migration.v1.WatchMigrationRequest;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers over the blocking stub the tests use. */
final class Grpc {
    private Grpc() {
    }

    static void register(MigrationServiceGrpc.MigrationServiceBlockingStub stub, String name, TargetDb db) {
        boolean pg = db.url.startsWith("jdbc:postgresql:");
        stub.registerTarget(RegisterTargetRequest.newBuilder().setName(name).setJdbcUrl(db.url)
                .setUsername(pg ? TestPostgres.user() : "").setPassword(pg ? TestPostgres.password() : "").build());
    }

    static MigrationSpec.Builder jobsSpec(String target) {
        return MigrationSpec.newBuilder().setName(target + "-jobs").setTarget(target).setTable("jobs").setKeyColumn("id")
                .setUlidColumn("job_ulid").setLegacyColumn("legacy_id").setTimestampColumn("created_at").setBatchSize(5000);
    }

    static Migration create(MigrationServiceGrpc.MigrationServiceBlockingStub stub, MigrationSpec.Builder spec) {
        return stub.createMigration(CreateMigrationRequest.newBuilder().setSpec(spec).build());
    }

    static StepRequest step(String id) {
        return StepRequest.newBuilder().setId(id).setReason("test").build();
    }

    /** Watches until the stream ends (a resting state) and returns every report. */
    static List<MigrationProgress> watch(MigrationServiceGrpc.MigrationServiceBlockingStub stub, String id) {
        List<MigrationProgress> reports = new ArrayList<>();
        Iterator<MigrationProgress> it = stub.withDeadlineAfter(180, TimeUnit.SECONDS)
                .watch(WatchMigrationRequest.newBuilder().setId(id).build());
        it.forEachRemaining(reports::add);
        return reports;
    }

    static Migration awaitState(MigrationServiceGrpc.MigrationServiceBlockingStub stub, String id, MigrationState state)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        Migration m = stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
        while (m.getState() != state && System.nanoTime() < deadline) {
            assertThat(m.getState()).as("last_error: %s", m.getLastError()).isNotEqualTo(MigrationState.FAILED);
            Thread.sleep(100);
            m = stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build());
        }
        assertThat(m.getState()).as("last_error: %s", m.getLastError()).isEqualTo(state);
        return m;
    }
}
