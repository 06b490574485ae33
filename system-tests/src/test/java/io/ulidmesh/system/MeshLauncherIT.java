package io.ulidmesh.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.ulidmesh.testsupport.ServiceBasics;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

        mesh("down");
        assertThat(mesh("status")).contains("resolution-service  localhost:8681  stopped");
        SERVICES.keySet().forEach(port -> assertThat(listening(port)).as("port " + port).isFalse());
    }

    private String mesh(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("./mesh", command).directory(TOP.toFile()).redirectErrorStream(true);
        builder.environment().put("MESH_DB_PREFIX", prefix);
        builder.environment().put("MESH_STATE_DIR", state.toString());
        builder.environment().put("MESH_PG_USER", TestPostgres.user());
        builder.environment().put("MESH_PG_PASSWORD", TestPostgres.password());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("./mesh " + command + " said:\n" + output).isZero();
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
