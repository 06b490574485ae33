package io.ulidmesh.console;

import io.ulidmesh.testsupport.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real identity provider for the single sign-on test: Keycloak's distribution (unpacked by the
 * build into {@code target/keycloak}) started in dev mode on a free port with an in-memory
 * database, importing one realm. Keycloak 26 needs Java 21 or newer, which this test's JVM need not
 * be: the JDK is looked for in {@code JAVA_HOME} and {@code /usr/lib/jvm}.
 */
final class Keycloak implements AutoCloseable {
    static final String REALM = "ulidmesh";
    private static final Path DIST = Path.of("target", "keycloak");
    private static final int MIN_JAVA = 21;
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    private final Process process;
    private final String base;
    private final Path log;

    private Keycloak(Process process, String base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /**
     * Starts Keycloak on {@code http://localhost:PORT} importing {@code realmJson} (the realm file's
     * text), and waits until the realm's discovery document is served.
     */
    static Keycloak start(String realmJson) {
        Path home = home();
        Path java = javaHome();
        int port = ServiceProcess.freePort();
        String base = "http://localhost:" + port;
        try {
            Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
            Files.writeString(imports.resolve(REALM + "-realm.json"), realmJson);
            Path log = Files.createDirectories(Path.of("target", "service-logs")).resolve("keycloak-" + port + ".log");
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin").resolve("kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + ServiceProcess.freePort(),
                    "--hostname=" + base, "--db=dev-mem", "--import-realm")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("JAVA_HOME", java.toString());
            Keycloak keycloak = new Keycloak(pb.start(), base, log);
            try {
                keycloak.awaitRealm(Duration.ofSeconds(600));
            } catch (RuntimeException e) {
                keycloak.close();
                throw e;
            }
            return keycloak;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Keycloak from " + home, e);
        }
    }

    /** The realm's issuer, as the tokens name it and as the console's {@code quarkus.oidc.auth-server-url}. */
    String issuer() {
        return base + "/realms/" + REALM;
    }

    /** The realm's signing keys (JWKS), for {@code mp.jwt.verify.publickey.location}. */
    String jwks() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    /** An access token for a confidential client's own service account (grant type client_credentials). */
    String clientCredentialsToken(String clientId, String secret) {
        String form = "grant_type=client_credentials&client_id=" + encode(clientId) + "&client_secret=" + encode(secret);
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            Matcher token = ACCESS_TOKEN.matcher(r.body());
            if (r.statusCode() != 200 || !token.find()) {
                throw new IllegalStateException("Keycloak gave " + clientId + " no token: " + r.statusCode() + " " + r.body());
            }
            return token.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void awaitRealm(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest discovery = HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for Keycloak", e);
            }
            sleep(250);
        }
        throw new IllegalStateException("Keycloak's realm was not served within " + timeout + "; see " + log);
    }

    /** kc.sh passes TERM on to its JVM; whatever is left after 30 s is killed. */
    @Override
    public void close() {
        List<ProcessHandle> tree = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        process.destroy();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static Path home() {
        try (Stream<Path> dirs = Files.isDirectory(DIST) ? Files.list(DIST) : Stream.empty()) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin").resolve("kc.sh"))).findFirst()
                    .orElseThrow(() -> new IllegalStateException(DIST.toAbsolutePath() + " has no Keycloak: the build unpacks "
                            + "org.keycloak:keycloak-quarkus-dist there (./mvnw -pl console verify)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDK of at least Java 21: JAVA_HOME if it is one, else the newest in /usr/lib/jvm. */
    static Path javaHome() {
        Optional<Path> fromEnv = Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).filter(j -> javaVersion(j) >= MIN_JAVA);
        if (fromEnv.isPresent()) {
            return fromEnv.get();
        }
        try (Stream<Path> jdks = Files.isDirectory(Path.of("/usr/lib/jvm")) ? Files.list(Path.of("/usr/lib/jvm")) : Stream.empty()) {
            return jdks.filter(j -> javaVersion(j) >= MIN_JAVA).max(Comparator.comparingInt(Keycloak::javaVersion))
                    .orElseThrow(() -> new IllegalStateException("Keycloak 26 needs Java " + MIN_JAVA + " or newer, and neither "
                            + "JAVA_HOME nor /usr/lib/jvm has one: install one (e.g. Debian's openjdk-21-jdk-headless)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feature release of the JDK at {@code home} (its {@code release} file), 0 when it is none. */
    private static int javaVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
            return 0;
        }
        try {
            return Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION="))
                    .map(l -> l.substring("JAVA_VERSION=".length()).replace("\"", "").split("[.+-]")[0])
                    .mapToInt(Integer::parseInt).findFirst().orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
