package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.PlanRequest;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.testsupport.TestPostgres;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A target password goes through a whole migration and through failed connections without
 * appearing in anything the worker logged at DEBUG (its own loggers and the PostgreSQL driver's),
 * in any reply, or in any row of the worker's database: not as it is, not in base64, not in hex.
 * (BadSpecTest checks RegisterTarget's and ListTargets' replies and the target row for one
 * registration.)
 */
@QuarkusTest
@TestProfile(PasswordNeverLoggedTest.DebugLogFile.class)
class PasswordNeverLoggedTest extends GrpcTestBase {
    private static final String PASSWORD = "never-log-me-" + UUID.randomUUID();
    static final Path LOG = Path.of("target", "password-never-logged.log");

    /** Everything the worker logs, at DEBUG for its own code and the drivers it hands the password to, into {@link #LOG}. */
    public static class DebugLogFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.format", "%d %-5p [%c] (%t) %s%e%n",
                    "quarkus.log.category.\"io.ulidmesh\".level", "DEBUG",
                    "quarkus.log.category.\"org.postgresql\".level", "DEBUG",
                    "quarkus.log.category.\"io.quarkus.grpc\".level", "DEBUG");
        }
    }

    @Inject
    DataSource workerDb;

    @Test
    void aWholeMigrationAndFailedConnectionsNeverShowThePassword() throws Exception {
        List<Object> replies = new ArrayList<>();
        try (TargetDb db = TargetDb.create(Engine.POSTGRESQL).seed(2_000)) {
            replies.add(register("secret", db.url));
            replies.add(register("secret-unreachable", "jdbc:postgresql://127.0.0.1:1/nowhere"));
            replies.add(register("secret-no-database", TestPostgres.urlOf("ulidmesh_no_such_database")));
            replies.add(assertStatus(Status.Code.UNAVAILABLE, () -> Grpc.create(stub, Grpc.jobsSpec("secret-unreachable")),
                    "cannot connect to target 'secret-unreachable'"));
            replies.add(assertStatus(Status.Code.UNAVAILABLE, () -> Grpc.create(stub, Grpc.jobsSpec("secret-no-database")),
                    "cannot connect to target 'secret-no-database'"));

            String id = Grpc.create(stub, Grpc.jobsSpec("secret")).getId();
            replies.add(stub.plan(PlanRequest.newBuilder().setId(id).build()));
            replies.add(stub.expand(step(id)));
            replies.add(stub.backfill(step(id)));
            replies.add(Grpc.watch(stub, id));
            replies.add(stub.validate(step(id)));
            replies.add(stub.contract(step(id)));
            replies.add(stub.rollback(step(id)));
            replies.add(stub.listMigrations(ListMigrationsRequest.newBuilder().setTarget("secret").build()));
            replies.add(stub.listTargets(ListTargetsRequest.getDefaultInstance()));
            assertThat(Grpc.awaitState(stub, id, MigrationState.ROLLED_BACK).getLastError()).isEmpty();
        }

        String logged = Files.readString(LOG);
        assertThat(logged).as("the log holds the lifecycle and the driver's DEBUG lines of both failed connections")
                .contains("target secret registered", "rollback by", "Connection to 127.0.0.1:1 refused",
                        "database \"ulidmesh_no_such_database\" does not exist");
        String stored = workerDatabaseAsText();
        assertThat(stored).contains("secret-no-database", "rollback");
        for (String form : List.of(PASSWORD, base64(PASSWORD), hex(PASSWORD))) {
            assertThat(logged).as("the log").doesNotContain(form);
            assertThat(replies.toString()).as("the replies").doesNotContain(form);
            assertThat(stored).as("the worker's database").doesNotContain(form);
        }
    }

    private static Object register(String name, String url) {
        return stub.registerTarget(RegisterTargetRequest.newBuilder().setName(name).setJdbcUrl(url)
                .setUsername(TestPostgres.user()).setPassword(PASSWORD).build());
    }

    /** Every row of every table of the worker's database, as PostgreSQL prints it (bytea in hex). */
    private String workerDatabaseAsText() throws SQLException {
        try (Connection c = workerDb.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            StringBuilder text = new StringBuilder();
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
                    while (rs.next()) {
                        text.append(table).append(' ').append(rs.getString(1)).append('\n');
                    }
                }
            }
            return text.toString();
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
