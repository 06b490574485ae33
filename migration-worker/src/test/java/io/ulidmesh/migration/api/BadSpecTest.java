package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.Target;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad specs are refused with exact codes and leave the target untouched; passwords stay secret. */
@QuarkusTest
class BadSpecTest extends GrpcTestBase {

    @Inject
    DataSource workerDb;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badSpecsAreRefusedAndTheTargetIsUntouched(Engine engine) throws Exception {
        String target = "bad-" + engine.name().toLowerCase(Locale.ROOT);
        try (TargetDb db = TargetDb.create(engine).seed(10)) {
            db.execute("CREATE TABLE notes (id BIGINT, body VARCHAR(20))");
            Grpc.register(stub, target, db);
            List<String> before = db.columns("jobs");

            assertStatus(Status.Code.FAILED_PRECONDITION, () -> Grpc.create(stub, Grpc.jobsSpec(target).setTable("missing")),
                    "'missing' does not exist");
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> Grpc.create(stub, Grpc.jobsSpec(target).setKeyColumn("nope")));
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> Grpc.create(stub, Grpc.jobsSpec(target).setLegacyColumn("nope")));
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> Grpc.create(stub, Grpc.jobsSpec(target).setTimestampColumn("nope")));
            if (engine != Engine.SQLITE) { // SQLite is dynamically typed: any column may hold times
                assertStatus(Status.Code.FAILED_PRECONDITION, () -> Grpc.create(stub, Grpc.jobsSpec(target).setTimestampColumn("payload")));
            }
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> Grpc.create(stub, Grpc.jobsSpec(target).setTable("notes")
                    .setLegacyColumn("body").setTimestampColumn("")), "is not unique");
            // An existing column is never taken over.
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> Grpc.create(stub, Grpc.jobsSpec(target).setUlidColumn("payload")),
                    "already exists");
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> Grpc.create(stub, Grpc.jobsSpec(target).setTable("jobs; DROP TABLE jobs")));
            assertStatus(Status.Code.INVALID_ARGUMENT,
                    () -> Grpc.create(stub, Grpc.jobsSpec(target).setUlidColumn("u\" text); DROP TABLE jobs; --")));
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> Grpc.create(stub, Grpc.jobsSpec(target).setKeyColumn("id OR 1=1")));
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> Grpc.create(stub, Grpc.jobsSpec(target).setLegacyColumn("id")));
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> Grpc.create(stub, Grpc.jobsSpec(target).setBatchSize(-1)));
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> Grpc.create(stub, Grpc.jobsSpec("nobody")));

            assertThat(db.columns("jobs")).isEqualTo(before);
            assertThat(db.queryLong("SELECT count(*) FROM jobs")).isEqualTo(10);
        }
    }

    @Test
    void unknownIdsAndMalformedIds() {
        assertStatus(Status.Code.NOT_FOUND, () -> stub.getMigration(GetMigrationRequest.newBuilder().setId("01ARZ3NDEKTSV4RRFFQ69G5FAV").build()),
                "does not exist");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.expand(step("not-a-ulid")));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.registerTarget(RegisterTargetRequest.newBuilder().setName("x")
                .setJdbcUrl("jdbc:mysql://localhost/x").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.registerTarget(RegisterTargetRequest.newBuilder().setName("leaky")
                .setJdbcUrl("jdbc:postgresql://127.0.0.1/x?user=a&password=secret").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.registerTarget(RegisterTargetRequest.newBuilder().setName("Bad Name")
                .setJdbcUrl("jdbc:sqlite:/tmp/x.db").build()));
    }

    @Test
    void targetsFromConfigurationAreRegisteredAtStart() {
        assertThat(stub.listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList())
                .anySatisfy(t -> {
                    assertThat(t.getName()).isEqualTo("configured");
                    assertThat(t.getDialect()).isEqualTo(io.ulidmesh.proto.migration.v1.Dialect.SQLITE);
                });
    }

    @Test
    void passwordsAreNeverReturnedAndStoredOnlyEncrypted() throws Exception {
        String password = "pa55-w0rd-that-must-not-leak";
        Target target = stub.registerTarget(RegisterTargetRequest.newBuilder().setName("secretive")
                .setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/nowhere").setUsername("app").setPassword(password).build());
        assertThat(target.getHasPassword()).isTrue();
        assertThat(target.toString()).doesNotContain(password);
        assertThat(stub.listTargets(ListTargetsRequest.getDefaultInstance()).toString()).doesNotContain(password).contains("secretive");
        try (Connection c = workerDb.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT t::text, password_encrypted FROM target t WHERE name = 'secretive'");
             ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).doesNotContain(password);
            byte[] sealed = rs.getBytes(2);
            assertThat(sealed).isNotNull();
            assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(password);
        }
    }
}
