package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.code;
import static io.ulidmesh.migration.api.Grpc.message;
import static io.ulidmesh.migration.api.Grpc.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.migration.dialect.Engine;
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

            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setTable("missing"))))
                    .isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(message(() -> Grpc.create(stub, Grpc.jobsSpec(target).setTable("missing")))).contains("'missing' does not exist");
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setKeyColumn("nope")))).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setLegacyColumn("nope")))).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setTimestampColumn("nope")))).isEqualTo(Status.Code.FAILED_PRECONDITION);
            if (engine != Engine.SQLITE) { // SQLite is dynamically typed: any column may hold times
                assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setTimestampColumn("payload"))))
                        .isEqualTo(Status.Code.FAILED_PRECONDITION);
            }
            assertThat(message(() -> Grpc.create(stub, Grpc.jobsSpec(target).setTable("notes").setLegacyColumn("body")
                    .setTimestampColumn("")))).contains("is not unique");
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setUlidColumn("payload"))))
                    .as("an existing column is never taken over").isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setTable("jobs; DROP TABLE jobs"))))
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setUlidColumn("u\" text); DROP TABLE jobs; --"))))
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setKeyColumn("id OR 1=1")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setLegacyColumn("id")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec(target).setBatchSize(-1)))).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(code(() -> Grpc.create(stub, Grpc.jobsSpec("nobody")))).isEqualTo(Status.Code.FAILED_PRECONDITION);

            assertThat(db.columns("jobs")).isEqualTo(before);
            assertThat(db.queryLong("SELECT count(*) FROM jobs")).isEqualTo(10);
        }
    }

    @Test
    void unknownIdsAndMalformedIds() {
        assertThat(code(() -> stub.getMigration(GetMigrationRequest.newBuilder().setId("01ARZ3NDEKTSV4RRFFQ69G5FAV").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> stub.expand(step("not-a-ulid")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> stub.registerTarget(RegisterTargetRequest.newBuilder().setName("x")
                .setJdbcUrl("jdbc:mysql://localhost/x").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> stub.registerTarget(RegisterTargetRequest.newBuilder().setName("leaky")
                .setJdbcUrl("jdbc:postgresql://127.0.0.1/x?user=a&password=secret").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> stub.registerTarget(RegisterTargetRequest.newBuilder().setName("Bad Name")
                .setJdbcUrl("jdbc:sqlite:/tmp/x.db").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
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
