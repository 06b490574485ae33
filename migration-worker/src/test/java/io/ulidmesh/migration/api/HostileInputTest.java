package io.ulidmesh.migration.api;

import static io.ulidmesh.migration.api.Grpc.step;
import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.ulidmesh.migration.TargetAllowlistSession;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.ListMigrationsRequest;
import io.ulidmesh.proto.migration.v1.ListTargetsRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.PlanRequest;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.proto.migration.v1.WatchMigrationRequest;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input to the worker over real gRPC, against real files and the test PostgreSQL server:
 * every refusal is INVALID_ARGUMENT and changes nothing; refusals and connection failures say the
 * same for files that exist and files that do not, for open ports and closed ones; no secret comes
 * back in ListTargets or reaches the log; no driver text reaches a caller. The log is the DEBUG file
 * PasswordNeverLoggedTest reads (same profile, same running worker).
 */
@QuarkusTest
@TestProfile(PasswordNeverLoggedTest.DebugLogFile.class)
class HostileInputTest extends GrpcTestBase {
    private static final String SECRET = "hostile-" + UUID.randomUUID();
    /** The test PostgreSQL server as host:port: an allowed host (TargetAllowlistSession). */
    private static final String PG = TargetAllowlistSession.allowedHosts().split(",")[0];
    static Path dir;

    @BeforeAll
    static void files() throws IOException {
        dir = Files.createTempDirectory("ulidmesh-hostile");
        Files.writeString(dir.resolve("notes.txt"), "not a database");
        Files.createSymbolicLink(dir.resolve("passwd.db"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(dir.resolve("outside"), Path.of("/etc"));
    }

    @AfterAll
    static void removeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Stream<Arguments> refusedUrls() {
        String pg = "jdbc:postgresql://" + PG + "/postgres";
        return Stream.of(
                Arguments.of(pg + "?p%61ssword=" + SECRET, "give the password in the password field"),
                Arguments.of(pg + "?password =" + SECRET, "give the password in the password field"),
                Arguments.of(pg + "?PASSWORD=" + SECRET, "give the password in the password field"),
                Arguments.of("jdbc:postgresql://app:" + SECRET + "@" + PG + "/postgres", "carries user information before '@'"),
                Arguments.of(pg + "?sslpasswordcallback=x.Callback", "give the password in the password field"),
                Arguments.of(pg + "?socketFactory=javax.net.DefaultSocketFactory", "option 'socketFactory' is not allowed"),
                Arguments.of(pg + "?sslfactory=org.postgresql.ssl.NonValidatingFactory", "option 'sslfactory' is not allowed"),
                Arguments.of(pg + "?loggerFile=/tmp/pg.log&loggerLevel=DEBUG", "option 'loggerFile' is not allowed"),
                Arguments.of(pg + "?authenticationPluginClassName=x.Plugin", "option 'authenticationPluginClassName' is not allowed"),
                Arguments.of(pg + "?PGHOST=10.0.0.1", "option 'PGHOST' is not allowed"),
                Arguments.of("jdbc:postgresql://10.255.255.1:5432/postgres", "host 10.255.255.1:5432 is not in ulidmesh.migration.allowed-hosts"),
                Arguments.of("jdbc:sqlite:" + dir.resolve("a.db") + "?enable_load_extension=true", "option 'enable_load_extension' is not allowed"),
                Arguments.of("jdbc:duckdb:" + dir.resolve("a.duckdb") + ";allow_unsigned_extensions=true", "option 'allow_unsigned_extensions'"),
                Arguments.of("jdbc:duckdb:" + dir.resolve("a.duckdb") + ";enable_external_access=true", "option 'enable_external_access'"),
                Arguments.of("jdbc:duckdb:" + dir.resolve("a.duckdb") + ";session_init_sql_file=/etc/passwd", "option 'session_init_sql_file'"),
                Arguments.of("jdbc:sqlite::memory:", "in-memory"),
                Arguments.of("jdbc:sqlite:file::memory:?cache=shared", "'file:' names are refused"),
                Arguments.of("jdbc:duckdb:", "in-memory"),
                Arguments.of("jdbc:duckdb::memory:", "in-memory"),
                Arguments.of("jdbc:sqlite:" + dir + "/../../etc/passwd", "climbs out of a folder with '..'"),
                Arguments.of("jdbc:sqlite:" + dir.resolve("passwd.db"), "is outside the folders of ulidmesh.migration.allowed-paths"),
                Arguments.of("jdbc:duckdb:" + dir.resolve("outside").resolve("passwd"), "is outside the folders"),
                Arguments.of("jdbc:sqlite:" + dir + "/" + "a".repeat(2048), "bytes long; at most 2048 (2 KiB)"));
    }

    @ParameterizedTest
    @MethodSource("refusedUrls")
    void aRefusedUrlRegistersNothingAndItsSecretGoesNowhere(String url, String messagePart) throws IOException {
        List<Target> before = targets();

        Status refused = assertStatus(Status.Code.INVALID_ARGUMENT, () -> register("hostile", url, "app", ""), messagePart);

        assertThat(refused.getDescription()).doesNotContain(SECRET);
        assertThat(targets()).isEqualTo(before);
        assertThat(targets().toString()).doesNotContain(SECRET);
        assertThat(Files.readString(PasswordNeverLoggedTest.LOG)).doesNotContain(SECRET);
    }

    @Test
    void anExistingAndAMissingFileOutsideTheFoldersGetTheSameAnswer() {
        String existing = assertStatus(Status.Code.INVALID_ARGUMENT, () -> register("probe", "jdbc:duckdb:/etc/passwd", "", ""))
                .getDescription();
        String missing = assertStatus(Status.Code.INVALID_ARGUMENT, () -> register("probe", "jdbc:duckdb:/nonexistent", "", ""))
                .getDescription();

        assertThat(existing.replace("/etc/passwd", "FILE")).isEqualTo(missing.replace("/nonexistent", "FILE"))
                .contains("is outside the folders");
    }

    /** Inside the folders: a file that is no database and one that does not exist fail alike, and nothing is created. */
    @Test
    void anAllowedFileThatIsNoDatabaseAndOneThatIsMissingFailAlike() {
        for (Engine engine : List.of(Engine.SQLITE, Engine.DUCKDB)) {
            String prefix = engine == Engine.SQLITE ? "jdbc:sqlite:" : "jdbc:duckdb:";
            register("probe-text", prefix + dir.resolve("notes.txt"), "", "");
            register("probe-missing", prefix + dir.resolve("missing.db"), "", "");

            String text = unavailable("probe-text");
            String missing = unavailable("probe-missing");

            assertThat(text.replace("probe-text", "T")).as(engine.name()).isEqualTo(missing.replace("probe-missing", "T"))
                    .isEqualTo("cannot connect to target 'T'; the worker's log has the reason");
            assertThat(dir.resolve("missing.db")).as("a target file is never created").doesNotExist();
        }
    }

    @Test
    void anOpenAndAClosedPortThatAreNotAllowedGetTheSameAnswer() throws IOException {
        try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int closed;
            try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = gone.getLocalPort();
            }
            String toOpen = assertStatus(Status.Code.INVALID_ARGUMENT,
                    () -> register("probe", "jdbc:postgresql://127.0.0.1:" + open.getLocalPort() + "/postgres", "", "")).getDescription();
            String toClosed = assertStatus(Status.Code.INVALID_ARGUMENT,
                    () -> register("probe", "jdbc:postgresql://127.0.0.1:" + closed + "/postgres", "", "")).getDescription();

            assertThat(toOpen.replace(":" + open.getLocalPort(), ":PORT")).isEqualTo(toClosed.replace(":" + closed, ":PORT"))
                    .contains("is not in ulidmesh.migration.allowed-hosts");
        }
    }

    /** Allowed hosts: a closed port, a missing database and an unknown role all read the same; the log keeps the driver's reason. */
    @Test
    void connectionFailuresReadTheSameAndCarryNoDriverText() throws IOException {
        register("pg-closed", "jdbc:postgresql://" + TargetAllowlistSession.CLOSED_PORT + "/postgres", TestPostgres.user(), "");
        register("pg-no-database", TestPostgres.urlOf("ulidmesh_no_such_database"), TestPostgres.user(), "");
        register("pg-no-role", TestPostgres.adminUrl(), "ulidmesh_no_such_role", "");

        List<String> answers = Stream.of("pg-closed", "pg-no-database", "pg-no-role")
                .map(name -> unavailable(name).replace(name, "T")).toList();

        assertThat(answers).containsOnly("cannot connect to target 'T'; the worker's log has the reason");
        assertThat(Files.readString(PasswordNeverLoggedTest.LOG)).contains("Connection to " + TargetAllowlistSession.CLOSED_PORT + " refused",
                "database \"ulidmesh_no_such_database\" does not exist", "role \"ulidmesh_no_such_role\" does not exist");
    }

    @ParameterizedTest
    @ValueSource(strings = {"line\nINFO forged by admin", "escape\u001b[2J", "carriage\rreturn", "nul\0byte"})
    void aReasonWithControlCharactersIsRefusedAndChangesNothing(String reason) throws Exception {
        try (TargetDb db = TargetDb.create(Engine.SQLITE).seed(10)) {
            Grpc.register(stub, "reasons", db);
            Migration created = Grpc.create(stub, Grpc.jobsSpec("reasons"));
            Migration before = stub.getMigration(GetMigrationRequest.newBuilder().setId(created.getId()).build());
            List<String> columns = db.columns("jobs");
            List<Function<StepRequest, Object>> steps = List.of(stub::expand, stub::backfill, stub::validate, stub::contract,
                    stub::rollback, stub::pause, stub::resume);

            for (Function<StepRequest, Object> call : steps) {
                StepRequest request = StepRequest.newBuilder().setId(created.getId()).setReason(reason).build();
                assertStatus(Status.Code.INVALID_ARGUMENT, () -> call.apply(request), "reason: control character");
            }

            assertThat(stub.getMigration(GetMigrationRequest.newBuilder().setId(created.getId()).build())).isEqualTo(before);
            assertThat(db.columns("jobs")).isEqualTo(columns);
        }
    }

    @Test
    void aUserNameWithControlCharactersIsRefused() {
        List<Target> before = targets();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> register("forged", "jdbc:sqlite:" + dir.resolve("a.db"),
                "app\nINFO target forged registered", ""), "username: control character U+000A");
        assertThat(targets()).isEqualTo(before);
    }

    static Stream<Arguments> nulInEveryStringField() {
        String id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
        String file = "jdbc:sqlite:" + dir.resolve("a.db");
        RegisterTargetRequest target = RegisterTargetRequest.newBuilder().setName("nul").setJdbcUrl(file).build();
        return Stream.of(
                nul("name", () -> stub.registerTarget(target.toBuilder().setName("nul\0").build())),
                nul("jdbc_url", () -> stub.registerTarget(target.toBuilder().setJdbcUrl(file + "\0.txt").build())),
                nul("username", () -> stub.registerTarget(target.toBuilder().setUsername("app\0").build())),
                nul("password", () -> stub.registerTarget(target.toBuilder().setPassword("pass\0" + SECRET).build())),
                nul("spec.name", () -> Grpc.create(stub, Grpc.jobsSpec("nul").setName("jobs\0"))),
                nul("spec.target", () -> Grpc.create(stub, Grpc.jobsSpec("nul").setTarget("nul\0"))),
                nul("spec.table", () -> Grpc.create(stub, Grpc.jobsSpec("nul").setTable("jobs\0"))),
                nul("spec.key_column", () -> Grpc.create(stub, Grpc.jobsSpec("nul").setKeyColumn("id\0"))),
                nul("spec.ulid_column", () -> Grpc.create(stub, Grpc.jobsSpec("nul").setUlidColumn("u\0"))),
                nul("spec.legacy_column", () -> Grpc.create(stub, Grpc.jobsSpec("nul").setLegacyColumn("l\0"))),
                nul("spec.timestamp_column", () -> Grpc.create(stub, Grpc.jobsSpec("nul").setTimestampColumn("t\0"))),
                nul("id", () -> stub.getMigration(GetMigrationRequest.newBuilder().setId(id + "\0").build())),
                nul("id", () -> stub.plan(PlanRequest.newBuilder().setId("\0" + id).build())),
                nul("id", () -> stub.expand(step(id + "\0"))),
                nul("reason", () -> stub.rollback(StepRequest.newBuilder().setId(id).setReason("why\0").build())),
                nul("id", () -> Grpc.watch(stub, id + "\0")),
                nul("target", () -> stub.listMigrations(ListMigrationsRequest.newBuilder().setTarget("nul\0").build())),
                nul("page_token", () -> stub.listMigrations(ListMigrationsRequest.newBuilder().setPageToken("x\0").build())));
    }

    private static Arguments nul(String field, ThrowingCallable call) {
        return Arguments.of(field, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nulInEveryStringField")
    void aNulInAnyStringFieldIsRefusedNamingIt(String field, ThrowingCallable call) {
        List<Target> before = targets();
        int migrations = stub.listMigrations(ListMigrationsRequest.newBuilder().setPageSize(1000).build()).getMigrationsCount();

        Status refused = assertStatus(Status.Code.INVALID_ARGUMENT, call, field + ": control character U+0000");

        assertThat(refused.getDescription()).doesNotContain(SECRET);
        assertThat(targets()).isEqualTo(before);
        assertThat(stub.listMigrations(ListMigrationsRequest.newBuilder().setPageSize(1000).build()).getMigrationsCount())
                .isEqualTo(migrations);
    }

    /** Series per migration exist only while its backfill runs; target labels are registered names. */
    @Test
    void aFinishedBackfillLeavesNoSeriesBehind() throws Exception {
        try (TargetDb db = TargetDb.create(Engine.SQLITE).seed(500)) {
            Grpc.register(stub, "metered", db);
            String id = Grpc.create(stub, Grpc.jobsSpec("metered")).getId();
            stub.expand(step(id));
            stub.backfill(step(id));
            Grpc.awaitState(stub, id, MigrationState.BACKFILLED);

            String metrics = "";
            for (int i = 0; i < 50 && (metrics.isEmpty() || metrics.contains(id)); i++) {
                Thread.sleep(100);
                metrics = RestAssured.given().port(TestChannels.quarkusTestPort()).get("/q/metrics").asString();
            }
            assertThat(metrics).contains("ulidmesh_backfill_rows_total{target=\"metered\"} 500.0").doesNotContain(id);
            List<String> names = targets().stream().map(Target::getName).toList();
            assertThat(metrics.lines().filter(line -> line.startsWith("ulidmesh_") && line.contains("target=\""))
                    .map(line -> line.replaceAll(".*target=\"([^\"]*)\".*", "$1")).distinct()).isSubsetOf(names);
        }
    }

    private static Target register(String name, String url, String username, String password) {
        return stub.registerTarget(RegisterTargetRequest.newBuilder().setName(name).setJdbcUrl(url).setUsername(username)
                .setPassword(password).build());
    }

    private static List<Target> targets() {
        return stub.listTargets(ListTargetsRequest.getDefaultInstance()).getTargetsList();
    }

    /** CreateMigration on {@code target} fails UNAVAILABLE: returns the message. */
    private static String unavailable(String target) {
        return assertStatus(Status.Code.UNAVAILABLE, () -> Grpc.create(stub, Grpc.jobsSpec(target))).getDescription();
    }
}
