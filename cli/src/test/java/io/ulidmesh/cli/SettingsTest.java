package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.ulidmesh.cli.Mesh.Service;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Where addresses and the token come from, in order; and the one line a refusal becomes. */
class SettingsTest {

    private static Settings settings(Map<String, String> env, Path cwd, String... args) {
        Ulidmesh root = new Ulidmesh(env, cwd);
        new CommandLine(root).parseArgs(args);
        return Settings.of(root);
    }

    @Test
    void addressesComeFromTheOptionElseTheEnvironmentElseTheLocalPorts() {
        Settings s = settings(Map.of("ULIDMESH_FLAGS_ADDR", "flags.internal:9000", "ULIDMESH_WORKER_ADDR", "worker:1"),
                Cli.emptyDirectory(), "--worker", "[::1]:8684");
        assertThat(s.address(Service.RESOLUTION).text()).isEqualTo("localhost:8681");
        assertThat(s.address(Service.FLAGS)).isEqualTo(new Settings.Address("flags.internal", 9000, "flags.internal:9000"));
        assertThat(s.address(Service.CONTROLLER).port()).isEqualTo(8683);
        assertThat(s.address(Service.WORKER).host()).isEqualTo("::1");
        assertThat(s.tls()).isFalse();
    }

    @Test
    void theTokenComesFromTheOptionElseTheVariableElseTheLocalMeshAboveTheWorkingDirectory() throws IOException {
        Path repo = Cli.emptyDirectory();
        Files.createDirectories(repo.resolve(".mesh/secrets"));
        Files.writeString(repo.resolve(".mesh/secrets/admin.jwt"), "mesh-token\n");
        Path deep = Files.createDirectories(repo.resolve("a/b"));
        Files.writeString(repo.resolve("env.jwt"), "env-token");
        Files.writeString(repo.resolve("option.jwt"), "option-token");

        Settings local = settings(Map.of(), deep);
        assertThat(local.token()).contains("mesh-token");
        assertThat(local.tokenSource()).isEqualTo(repo.resolve(".mesh/secrets/admin.jwt").toString());
        assertThat(settings(Map.of("ULIDMESH_TOKEN_FILE", "../../env.jwt"), deep).token()).contains("env-token");
        assertThat(settings(Map.of("ULIDMESH_TOKEN_FILE", "../../env.jwt"), deep, "--token-file", "../../option.jwt").token())
                .contains("option-token");
        Settings none = settings(Map.of(), Cli.emptyDirectory());
        assertThat(none.token()).isEmpty();
        assertThat(none.tokenSource()).startsWith("none (no --token-file, no ULIDMESH_TOKEN_FILE");
    }

    @Test
    void aCaOrAClientCertificateTurnsTlsOn() throws IOException {
        Path dir = Cli.emptyDirectory();
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        assertThat(settings(Map.of("ULIDMESH_TLS_CA", ca.toString()), dir).tls()).isTrue();
        assertThat(settings(Map.of("ULIDMESH_TLS", "true"), dir).tls()).isTrue();
        assertThatThrownBy(() -> settings(Map.of(), dir, "--tls-ca", "missing.pem"))
                .hasMessageContaining("cannot read TLS file " + dir.resolve("missing.pem"));
    }

    @Test
    void aRefusalIsOneLineWithTheStatusAndWhatToDo() {
        Settings s = settings(Map.of(), Cli.emptyDirectory());
        Mesh.Failure flags = new Mesh.Failure(Service.FLAGS, "localhost:8682", "SetFlag");
        assertThat(Refusal.line(Status.PERMISSION_DENIED.withDescription("SetFlag needs role operator; 'v' has role viewer")
                .asRuntimeException(), flags, s))
                .isEqualTo("PERMISSION_DENIED: SetFlag needs role operator; 'v' has role viewer — use a token with role operator (--token-file)");
        assertThat(Refusal.line(Status.UNAVAILABLE.withDescription("io exception").withCause(new ConnectException("Connection refused"))
                .asRuntimeException(), flags, s))
                .isEqualTo("UNAVAILABLE: flag-service at localhost:8682 cannot be reached (Connection refused) — start it (./mesh up)"
                        + " or point --flags / ULIDMESH_FLAGS_ADDR at it");
        assertThat(Refusal.line(Status.UNAVAILABLE.withDescription("this rollout-controller is a standby").asRuntimeException(),
                new Mesh.Failure(Service.CONTROLLER, "c:1", "PauseRollout"), s))
                .isEqualTo("UNAVAILABLE: this rollout-controller is a standby (rollout-controller at c:1) — retry later");
        assertThat(Refusal.line(Status.UNAUTHENTICATED.withDescription("the bearer token was refused").asRuntimeException(), flags, s))
                .startsWith("UNAUTHENTICATED: the bearer token was refused — use a valid token: --token-file FILE or ULIDMESH_TOKEN_FILE"
                        + " (token: none");
        assertThat(Refusal.line(Status.NOT_FOUND.withDescription("flag 'x' not found").asRuntimeException(), flags, s))
                .isEqualTo("NOT_FOUND: flag 'x' not found — check the name or id (ulidmesh flags list)");
    }
}
