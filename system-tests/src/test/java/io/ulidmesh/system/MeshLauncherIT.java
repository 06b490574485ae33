package io.ulidmesh.system;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.testsupport.ServiceBasics;
import io.ulidmesh.testsupport.TestCertificates;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: {@code ./mesh up} brings the four services to ready on their ports. */
class MeshLauncherIT {
    private static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    private static final Map<Integer, String> SERVICES = Map.of(
            8681, "ulidmesh.resolution.v1.ResolutionService",
            8682, "ulidmesh.flags.v1.FlagService",
            8683, "ulidmesh.rollout.v1.RolloutService",
            8684, "ulidmesh.migration.v1.MigrationService");

    private final String prefix = "ulidmesh_meshit_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36) + "_";
    @TempDir
    Path state;

    @AfterEach
    void stopAndDropDatabases() throws Exception {
        mesh("down");
        for (String db : new String[] {"resolution", "flags", "migration", "rollout"}) {
            TestPostgres.dropDatabase(TestPostgres.urlOf(prefix + db));
        }
    }

    @Test
    void upStartsEveryServiceReadyAndDownStopsThem() throws Exception {
        String up = mesh("up");
        assertThat(up).contains("all four services are ready");
        for (var service : SERVICES.entrySet()) {
            ManagedChannel channel = TestChannels.to(service.getKey());
            try {
                assertThat(ServiceBasics.reflectedServices(channel)).contains(service.getValue());
            } finally {
                channel.shutdownNow();
            }
        }
        assertThat(mesh("status")).contains("flag-service        localhost:8682  ready");
        theLocalIdentityWorks();
        // The operator console comes up after them, on 8685.
        assertThat(up).contains("console ready on http://localhost:8685");
        assertThat(mesh("status")).contains("console             localhost:8685  ready");

        mesh("down");
        assertThat(mesh("status")).contains("resolution-service  localhost:8681  stopped").contains("console             localhost:8685  stopped");
        SERVICES.keySet().forEach(port -> assertThat(listening(port)).as("port " + port).isFalse());
        assertThat(listening(8685)).as("port 8685").isFalse();
    }

    @Test
    void upWithTlsServesOnlyTlsWithTheLocalCa() throws Exception {
        String up = mesh("up", "--tls");
        assertThat(up).contains("made a local CA").contains("all four services are ready")
                .contains("console ready on http://localhost:8685");
        TestCertificates local = new TestCertificates(state.resolve("tls"));
        String admin = token(state.resolve("secrets"), "admin");
        GenerateRequest one = GenerateRequest.newBuilder().setCount(1).build();
        ManagedChannel tls = local.channel(8681, false);
        try {
            assertThat(ResolutionServiceGrpc.newBlockingStub(TestChannels.withToken(tls, admin)).generate(one).getUlidsCount())
                    .isEqualTo(1);
        } finally {
            tls.shutdownNow();
        }
        ManagedChannel plaintext = TestChannels.withoutToken(8681);
        try {
            assertStatus(Status.Code.UNAVAILABLE, () -> ResolutionServiceGrpc.newBlockingStub(
                    TestChannels.withToken(plaintext, admin)).withDeadlineAfter(10, TimeUnit.SECONDS).generate(one));
        } finally {
            plaintext.shutdownNow();
        }
        assertThat(mesh("status")).contains("migration-worker    localhost:8684  ready")
                .contains("console             localhost:8685  ready");
    }

    /** Auth is on: the tokens ./mesh up made are the ones the services trust, each with its role. */
    private void theLocalIdentityWorks() throws IOException {
        Path secrets = state.resolve("secrets");
        assertThat(Files.readString(secrets.resolve("migration-secret-key")).strip()).hasSize(44);
        ManagedChannel resolution = TestChannels.withoutToken(8681);
        ManagedChannel flags = TestChannels.withoutToken(8682);
        try {
            GenerateRequest one = GenerateRequest.newBuilder().setCount(1).build();
            assertStatus(Status.Code.UNAUTHENTICATED, () -> ResolutionServiceGrpc.newBlockingStub(resolution).generate(one));
            assertThat(ResolutionServiceGrpc.newBlockingStub(TestChannels.withToken(resolution, token(secrets, "admin")))
                    .generate(one).getUlidsCount()).isEqualTo(1);
            assertThat(ResolutionServiceGrpc.newBlockingStub(TestChannels.withToken(resolution, token(secrets, "service")))
                    .generate(one).getUlidsCount()).isEqualTo(1);
            assertStatus(Status.Code.PERMISSION_DENIED, () -> FlagServiceGrpc.newBlockingStub(
                    TestChannels.withToken(flags, token(secrets, "viewer")))
                    .setFlag(SetFlagRequest.newBuilder().setName("mesh_it").setEnabled(true).build()), "needs role operator");
        } finally {
            resolution.shutdownNow();
            flags.shutdownNow();
        }
    }

    private static String token(Path secrets, String name) throws IOException {
        return Files.readString(secrets.resolve(name + ".jwt")).strip();
    }

    private String mesh(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("./mesh"));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).directory(TOP.toFile()).redirectErrorStream(true);
        builder.environment().put("MESH_DB_PREFIX", prefix);
        builder.environment().put("MESH_STATE_DIR", state.toString());
        builder.environment().put("MESH_PG_USER", TestPostgres.user());
        builder.environment().put("MESH_PG_PASSWORD", TestPostgres.password());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("./mesh " + String.join(" ", command) + " said:\n" + output).isZero();
        return output;
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
