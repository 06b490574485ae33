package io.ulidmesh.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on with a real identity provider: Keycloak (see {@link Keycloak}) with the realm in
 * {@code src/test/resources/keycloak}, flag-service, rollout-controller and the console as
 * processes, all of them trusting Keycloak's keys and issuer through the standard smallrye-jwt
 * settings, and Chromium ({@code src/test/browser/sso-e2e.mjs}) signing in on Keycloak's own form.
 * Keycloak serves on {@code localhost} and the console on {@code 127.0.0.1}: two sites, as an
 * identity provider and a console are in a deployment, so the SameSite=Strict session cookie meets
 * a real cross-site redirect.
 */
class SingleSignOnIT {
    private static final Path SCRIPT = Path.of("src", "test", "browser", "sso-e2e.mjs");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final String FLAG = "sso_checkout";
    private static final String CONSOLE_SECRET = UUID.randomUUID().toString();
    private static final String SEEDER_SECRET = UUID.randomUUID().toString();
    private static final List<String> DATABASES = new ArrayList<>();
    private static final List<ServiceProcess> SERVICES = new ArrayList<>();
    private static Keycloak keycloak;
    private static ServiceProcess flags;
    private static String consoleUrl;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Path.of("src", "test", "browser", "node_modules", "playwright-core")).as("npm ci in console/src/test/browser").isDirectory();
        int consolePort = ServiceProcess.freePort();
        consoleUrl = "http://127.0.0.1:" + consolePort;
        String realm = Files.readString(Path.of("src", "test", "resources", "keycloak", "ulidmesh-realm.json"))
                .replace("@CONSOLE_URL@", consoleUrl).replace("@CONSOLE_SECRET@", CONSOLE_SECRET).replace("@SEEDER_SECRET@", SEEDER_SECRET);
        keycloak = Keycloak.start(realm);
        // What every service and the console need to trust Keycloak's tokens: its JWKS and issuer, and
        // the user's name as the subject (the realm's access tokens carry no sub; docs/console.md).
        Map<String, String> trustKeycloak = Map.of(
                "mp.jwt.verify.publickey.location", keycloak.jwks(),
                "mp.jwt.verify.issuer", keycloak.issuer(),
                "smallrye.jwt.path.sub", "preferred_username");
        flags = started(ServiceProcess.start("flag-service", database("sso_flags"), trustKeycloak));
        Map<String, String> controller = new HashMap<>(trustKeycloak);
        controller.putAll(Map.of("ulidmesh.rollout.flag-service", flags.address(), "ulidmesh.rollout.migration-worker", "127.0.0.1:9",
                "ulidmesh.rollout.prometheus-url", "http://127.0.0.1:9"));
        ServiceProcess rollouts = started(ServiceProcess.start("rollout-controller", database("sso_controller"), controller));
        Map<String, String> console = new HashMap<>(trustKeycloak);
        console.putAll(Map.of(
                "quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.auth-server-url", keycloak.issuer(),
                "quarkus.oidc.client-id", "ulidmesh-console",
                "quarkus.oidc.credentials.secret", CONSOLE_SECRET,
                "quarkus.oidc.logout.path", "/oidc/logout",
                "ulidmesh.console.flag-service", flags.address(),
                "ulidmesh.console.rollout-controller", rollouts.address(),
                "ulidmesh.console.resolution-service", "127.0.0.1:9",
                "ulidmesh.console.migration-worker", "127.0.0.1:9"));
        console.putAll(Map.of("quarkus.datasource.username", "", "quarkus.datasource.password", "", "ulidmesh.client.token-file", ""));
        started(ServiceProcess.start("console", "", consolePort, console));
        seedFlag();
    }

    @AfterAll
    static void stop() {
        for (int i = SERVICES.size() - 1; i >= 0; i--) {
            SERVICES.get(i).close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
        DATABASES.forEach(TestPostgres::dropDatabase);
    }

    @Test
    void operatorAndViewerSignInOnKeycloakAndTheServicesTrustTheirTokens() throws Exception {
        List<String> out = new ArrayList<>();
        ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("CONSOLE_URL", consoleUrl);
        pb.environment().put("KEYCLOAK_ISSUER", keycloak.issuer());
        pb.environment().put("FLAG", FLAG);
        pb.environment().put("SHOTS_DIR", SHOTS.toAbsolutePath().toString());
        Process node = pb.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                System.out.println("[browser] " + line);
                out.add(line);
            }
        } finally {
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        assertThat(node.exitValue()).as("the browser script's exit code; its output: %s", out).isZero();
        assertThat(out).contains("OK");
        // flag-service itself recorded the Keycloak user as the one who set the flag through the console.
        Flag flag = getFlag();
        assertThat(flag.getUpdatedBy()).isEqualTo("olivia");
        assertThat(flag.getReason()).isEqualTo("single sign-on: open the checkout to 30%");
        assertThat(flag.getBasisPoints()).isEqualTo(3000);
        for (String page : List.of("sso-keycloak-sign-in", "sso-keycloak-wrong-password", "sso-signed-in", "sso-flag-set", "sso-viewer")) {
            assertThat(SHOTS.resolve(page + ".png")).as("screenshot of " + page).isRegularFile();
            assertThat(Files.size(SHOTS.resolve(page + ".png"))).isGreaterThan(5_000);
        }
    }

    /** The flag the operator changes, created by the realm's service account (a client-credentials token). */
    private static void seedFlag() {
        ManagedChannel ch = TestChannels.to(flags.port());
        try {
            FlagServiceGrpc.newBlockingStub(TestChannels.withToken(ch, keycloak.clientCredentialsToken("ulidmesh-seeder", SEEDER_SECRET)))
                    .setFlag(SetFlagRequest.newBuilder().setName(FLAG).setEnabled(false).setReason("seeded for the single sign-on test").build());
        } finally {
            ch.shutdownNow();
        }
    }

    private static Flag getFlag() {
        ManagedChannel ch = TestChannels.to(flags.port());
        try {
            return FlagServiceGrpc.newBlockingStub(TestChannels.withToken(ch, keycloak.clientCredentialsToken("ulidmesh-seeder", SEEDER_SECRET)))
                    .getFlag(GetFlagRequest.newBuilder().setName(FLAG).build());
        } finally {
            ch.shutdownNow();
        }
    }

    private static ServiceProcess started(ServiceProcess service) {
        SERVICES.add(service);
        return service;
    }

    private static String database(String purpose) {
        String url = TestPostgres.createDatabase(purpose);
        DATABASES.add(url);
        return url;
    }
}
