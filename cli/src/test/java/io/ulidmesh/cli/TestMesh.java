package io.ulidmesh.cli;

import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestPostgres;
import io.ulidmesh.testsupport.TestTokens;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The four services as real processes, each on a fresh database, started once for every
 * integration test of this JVM (they are the slow part) and stopped when it exits. Auth is on:
 * they trust the test key of {@link TestTokens}.
 */
final class TestMesh {
    private static TestMesh instance;

    final ServiceProcess resolution;
    final ServiceProcess flags;
    final ServiceProcess worker;
    final ServiceProcess controller;
    private final List<String> databases;

    private TestMesh(ServiceProcess resolution, ServiceProcess flags, ServiceProcess worker, ServiceProcess controller,
                     List<String> databases) {
        this.resolution = resolution;
        this.flags = flags;
        this.worker = worker;
        this.controller = controller;
        this.databases = databases;
    }

    static synchronized TestMesh get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "test-mesh-stop"));
        }
        return instance;
    }

    private static TestMesh start() {
        List<String> databases = java.util.Collections.synchronizedList(new ArrayList<>());
        String resolutionDb = database("cli_resolution", databases);
        String flagsDb = database("cli_flags", databases);
        String workerDb = database("cli_worker", databases);
        String controllerDb = database("cli_controller", databases);
        ExecutorService starting = Executors.newFixedThreadPool(3);
        try {
            var resolution = CompletableFuture.supplyAsync(() -> ServiceProcess.start("resolution-service", resolutionDb, Map.of()), starting);
            var flags = CompletableFuture.supplyAsync(() -> ServiceProcess.start("flag-service", flagsDb, Map.of()), starting);
            var worker = CompletableFuture.supplyAsync(() -> ServiceProcess.start("migration-worker", workerDb, Map.of(
                    "ulidmesh.migration.allowed-hosts", postgresHostPort(),
                    "ulidmesh.migration.allowed-paths", System.getProperty("java.io.tmpdir"))), starting);
            var controller = flags.thenCombineAsync(worker, (f, w) -> ServiceProcess.start("rollout-controller", controllerDb,
                    Map.of("ulidmesh.rollout.flag-service", f.address(),
                            "ulidmesh.rollout.migration-worker", w.address(),
                            "ulidmesh.rollout.prometheus-url", "http://127.0.0.1:9")), starting);
            return new TestMesh(resolution.join(), flags.join(), worker.join(), controller.join(), databases);
        } finally {
            starting.shutdown();
        }
    }

    private static String database(String purpose, List<String> databases) {
        String url = TestPostgres.createDatabase(purpose);
        databases.add(url);
        return url;
    }

    /** The test PostgreSQL server as host:port, for the worker's allowlist of target hosts. */
    static String postgresHostPort() {
        return TestPostgres.hostPort();
    }

    /** The environment a user of this mesh would set: every address, and a token file of {@code role}. */
    Map<String, String> environment(String role) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ULIDMESH_RESOLUTION_ADDR", resolution.address());
        env.put("ULIDMESH_FLAGS_ADDR", flags.address());
        env.put("ULIDMESH_CONTROLLER_ADDR", controller.address());
        env.put("ULIDMESH_WORKER_ADDR", worker.address());
        env.put("ULIDMESH_TOKEN_FILE", tokenFile("cli-" + role, role).toString());
        return env;
    }

    /** The CLI as an admin in {@code workingDirectory}, with the test PostgreSQL password for register-target. */
    Cli admin(Path workingDirectory) {
        Map<String, String> env = new HashMap<>(environment("admin"));
        env.put("ULIDMESH_TARGET_PASSWORD", TestPostgres.password());
        return new Cli(env, workingDirectory);
    }

    /** A fresh database on the test server, made by {@code statements}, for the worker to change; dropped when the JVM ends. */
    String targetDatabase(String purpose, String... statements) {
        String url = database(purpose, databases);
        try (Connection c = DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return url;
    }

    private final Map<String, Path> tokenFiles = new HashMap<>();

    synchronized Path tokenFile(String subject, String role) {
        return tokenFiles.computeIfAbsent(subject + "/" + role, k -> TestTokens.file(TestTokens.token(subject, role)));
    }

    private void stop() {
        CompletableFuture.allOf(List.of(controller, worker, flags, resolution).stream()
                .map(s -> CompletableFuture.runAsync(s::close)).toArray(CompletableFuture[]::new)).join();
        databases.forEach(TestPostgres::dropDatabase);
    }
}
