package io.ulidmesh.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.resolution.v1.LinkRequest;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.ReportSignalResponse;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import io.ulidmesh.testsupport.TestTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser: Debian's Chromium driven by playwright-core
 * ({@code src/test/browser/console-e2e.mjs}) against the four services and the console, all real
 * processes. The script asserts each scenario of issue 18 and saves a screenshot of each page to
 * {@code target/console-screenshots}; this test seeds the mesh, pushes the signal values the script
 * asks for, and asserts the script's exit code and screenshots.
 */
class ConsoleBrowserIT {
    private static final Path SCRIPT = Path.of("src", "test", "browser", "console-e2e.mjs");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static BrowserMesh mesh;
    private static String traceUlid;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Path.of("src", "test", "browser", "node_modules", "playwright-core")).as("npm ci in console/src/test/browser").isDirectory();
        mesh = BrowserMesh.start();
        seedRegistry();
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void operatorAndViewerScenariosInChromium() throws Exception {
        String target = seedTarget();
        List<String> out = new ArrayList<>();
        ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("CONSOLE_URL", mesh.consoleUrl());
        pb.environment().put("VIEWER_TOKEN", TestTokens.token("vera", "viewer"));
        pb.environment().put("OPERATOR_TOKEN", TestTokens.token("olga", "operator"));
        pb.environment().put("OTHER_OPERATOR_TOKEN", TestTokens.token("oscar", "operator"));
        pb.environment().put("TRACE_ULID", traceUlid);
        pb.environment().put("TARGET", target);
        pb.environment().put("SHOTS_DIR", SHOTS.toAbsolutePath().toString());
        Process node = pb.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter answers = new PrintWriter(node.getOutputStream(), true, StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null; ) {
                System.out.println("[browser] " + line);
                out.add(line);
                if (line.startsWith("PUSH ")) {
                    String[] words = line.split(" ");
                    answers.println(push(Double.parseDouble(words[1]), words[2]));
                }
            }
        } finally {
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        assertThat(node.exitValue()).as("the browser script's exit code; its output: %s", out).isZero();
        assertThat(out).contains("OK");
        for (String page : List.of("sign-in", "start-lint", "start-preview", "rollout-live", "rollout-rolled-back", "rollout-resumed", "rollouts-viewer",
                "rollouts-operator", "flags", "flag-detail", "flag-conflict", "migrations", "registry", "rollout-dark")) {
            assertThat(SHOTS.resolve(page + ".png")).as("screenshot of " + page).isRegularFile();
            assertThat(Files.size(SHOTS.resolve(page + ".png"))).isGreaterThan(5_000);
        }
    }

    /** A value of the plan's push signal (above 5 breaches), reported as a service would. */
    private static String push(double value, String rolloutId) {
        ManagedChannel ch = TestChannels.to(mesh.controller.port());
        try {
            ReportSignalResponse r = RolloutServiceGrpc.newBlockingStub(TestChannels.withToken(ch, TestTokens.token("checkout", "service")))
                    .reportSignal(ReportSignalRequest.newBuilder().setName("console_errors").setValue(value).putLabels("rollout_id", rolloutId).build());
            return r.getRolloutsEvaluated() == 1 ? "PUSHED" : "NOT_EVALUATED " + r;
        } finally {
            ch.shutdownNow();
        }
    }

    /** Three references across systems, linked, for the registry page. */
    private static void seedRegistry() {
        ManagedChannel ch = TestChannels.to(mesh.resolution.port());
        try {
            var rs = ResolutionServiceGrpc.newBlockingStub(TestChannels.withToken(ch, TestTokens.token("crackerjack", "service")));
            String job = rs.register(RegisterRequest.newBuilder().setSystem("crackerjack").setReferenceType("job").setReference("job-42").build()).getUlid();
            String session = rs.register(RegisterRequest.newBuilder().setSystem("session-buddy").setReferenceType("session").setReference("s-7").build())
                    .getUlid();
            String entity = rs.register(RegisterRequest.newBuilder().setSystem("akosha").setReferenceType("entity").setReference("e-1001").build())
                    .getUlid();
            rs.link(LinkRequest.newBuilder().setFromUlid(job).setToUlid(session).setRelation("ran_in").build());
            rs.link(LinkRequest.newBuilder().setFromUlid(session).setToUlid(entity).setRelation("about").build());
            traceUlid = job;
        } finally {
            ch.shutdownNow();
        }
    }

    /** A PostgreSQL table of 1,500 rows the plan's migration gives a ULID column; registered by an admin. */
    private static String seedTarget() throws Exception {
        String url = mesh.targetDatabase("console_shop");
        try (Connection c = DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)");
            s.execute("INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 1500) g");
        }
        ManagedChannel ch = TestChannels.to(mesh.worker.port());
        try {
            MigrationServiceGrpc.newBlockingStub(TestChannels.withToken(ch, TestTokens.admin())).registerTarget(RegisterTargetRequest.newBuilder()
                    .setName("shop").setJdbcUrl(url).setUsername(TestPostgres.user()).setPassword(TestPostgres.password()).build());
        } finally {
            ch.shutdownNow();
        }
        return "shop";
    }
}
