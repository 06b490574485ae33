package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exit 1 with one line: a service that is down, a bad token, no token; and the local mesh's token found by itself. */
class RefusalsIT {
    private static TestMesh mesh;

    @BeforeAll
    static void start() {
        mesh = TestMesh.get();
    }

    @Test
    void aServiceThatIsDownIsNamedWithItsAddressAndHowToPointElsewhere() {
        String nobody = "127.0.0.1:" + ServiceProcess.freePort();
        Map<String, String> env = new HashMap<>(mesh.environment("admin"));
        env.put("ULIDMESH_WORKER_ADDR", nobody);
        Cli cli = new Cli(env, Cli.emptyDirectory());
        Cli.Run run = cli.run("migrate", "targets");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).startsWith("UNAVAILABLE: migration-worker at " + nobody + " cannot be reached (")
                .endsWith("— start it (./mesh up) or point --worker / ULIDMESH_WORKER_ADDR at it").doesNotContain("\n");
        // The other services are still reached.
        assertThat(cli.run("flags", "list").code()).isZero();
        Cli.Run option = cli.run("rollout", "list", "--controller", nobody);
        assertThat(option.err()).startsWith("UNAVAILABLE: rollout-controller at " + nobody + " cannot be reached");
    }

    @Test
    void aForgedOrExpiredTokenIsUnauthenticatedAndSaysWhichTokenWasUsed() {
        Path forged = TestTokens.file(TestTokens.forged("mallory", "admin"));
        Cli.Run run = new Cli(mesh.environment("admin"), Cli.emptyDirectory())
                .run("flags", "list", "--token-file", forged.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("UNAUTHENTICATED: the bearer token was refused")
                .endsWith("— use a valid token: --token-file FILE or ULIDMESH_TOKEN_FILE (token: " + forged + ")");
        Path expired = TestTokens.file(TestTokens.expired("late", "admin"));
        assertThat(new Cli(mesh.environment("admin"), Cli.emptyDirectory()).run("ulid", "stats", "--token-file", expired.toString())
                .err()).startsWith("UNAUTHENTICATED: ");
    }

    @Test
    void withoutAnyTokenTheCallIsUnauthenticatedAndSaysWhereItLooked() {
        Map<String, String> env = new HashMap<>(mesh.environment("admin"));
        env.remove("ULIDMESH_TOKEN_FILE");
        Path nowhere = Cli.emptyDirectory();
        Cli.Run run = new Cli(env, nowhere).run("rollout", "list");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("UNAUTHENTICATED: ").contains("ListRollouts needs a bearer token")
                .contains("(token: none (no --token-file, no ULIDMESH_TOKEN_FILE, no .mesh/secrets/admin.jwt in " + nowhere);
    }

    @Test
    void theLocalMeshsAdminTokenIsFoundFromASubfolderOfTheClone() throws IOException {
        Path clone = Cli.emptyDirectory();
        Path secrets = Files.createDirectories(clone.resolve(".mesh/secrets"));
        Files.writeString(secrets.resolve("admin.jwt"), TestTokens.token("local-operator", "admin") + "\n");
        Path deploy = Files.createDirectories(clone.resolve("deploy/plans"));
        Map<String, String> env = new HashMap<>(mesh.environment("admin"));
        env.remove("ULIDMESH_TOKEN_FILE");
        Cli.Run run = new Cli(env, deploy).run("flags", "set", "found_token", "--on", "--reason", "from the clone", "-o", "json");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.json().get("updatedBy").getAsString()).isEqualTo("local-operator");
    }
}
