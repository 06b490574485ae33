package io.ulidmesh.console;

import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestPostgres;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The four services and the console as real processes on free ports, each service on a fresh
 * database, auth on (the test key of TestTokens). Closed at the end of the test class.
 */
final class BrowserMesh implements AutoCloseable {
    final ServiceProcess resolution;
    final ServiceProcess flags;
    final ServiceProcess worker;
    final ServiceProcess controller;
    final ServiceProcess console;
    private final List<String> databases;

    private BrowserMesh(ServiceProcess resolution, ServiceProcess flags, ServiceProcess worker, ServiceProcess controller,
                        ServiceProcess console, List<String> databases) {
        this.resolution = resolution;
        this.flags = flags;
        this.worker = worker;
        this.controller = controller;
        this.console = console;
        this.databases = databases;
    }

    static BrowserMesh start() {
        List<String> databases = Collections.synchronizedList(new ArrayList<>());
        ExecutorService starting = Executors.newFixedThreadPool(4);
        try {
            var resolution = CompletableFuture.supplyAsync(() -> ServiceProcess.start("resolution-service", database("console_resolution", databases),
                    Map.of()), starting);
            var flags = CompletableFuture.supplyAsync(() -> ServiceProcess.start("flag-service", database("console_flags", databases), Map.of()), starting);
            var worker = CompletableFuture.supplyAsync(() -> ServiceProcess.start("migration-worker", database("console_worker", databases), Map.of(
                    "ulidmesh.migration.allowed-hosts", TestPostgres.hostPort())), starting);
            var controller = flags.thenCombineAsync(worker, (f, w) -> ServiceProcess.start("rollout-controller",
                    database("console_controller", databases), Map.of("ulidmesh.rollout.flag-service", f.address(),
                            "ulidmesh.rollout.migration-worker", w.address(), "ulidmesh.rollout.prometheus-url", "http://127.0.0.1:9")), starting);
            var console = CompletableFuture.allOf(resolution, controller).thenApplyAsync(v -> ServiceProcess.start("console", "", Map.of(
                    "ulidmesh.console.resolution-service", resolution.join().address(),
                    "ulidmesh.console.flag-service", flags.join().address(),
                    "ulidmesh.console.rollout-controller", controller.join().address(),
                    "ulidmesh.console.migration-worker", worker.join().address(),
                    "ulidmesh.console.signal-interval", "1s",
                    "quarkus.datasource.username", "",
                    "quarkus.datasource.password", "",
                    "ulidmesh.client.token-file", "")), starting);
            try {
                return new BrowserMesh(resolution.join(), flags.join(), worker.join(), controller.join(), console.join(), databases);
            } catch (RuntimeException e) {
                // One did not start: stop those that did, so no process outlives the test.
                for (var started : List.of(resolution, flags, worker, controller, console)) {
                    started.handle((s, t) -> s).join();
                }
                for (var started : List.of(console, controller, worker, flags, resolution)) {
                    ServiceProcess s = started.handle((p, t) -> p).join();
                    if (s != null) {
                        s.close();
                    }
                }
                databases.forEach(TestPostgres::dropDatabase);
                throw e;
            }
        } finally {
            starting.shutdown();
        }
    }

    String consoleUrl() {
        return "http://127.0.0.1:" + console.port();
    }

    static String database(String purpose, List<String> databases) {
        String url = TestPostgres.createDatabase(purpose);
        databases.add(url);
        return url;
    }

    /** A fresh database for the worker to change, dropped at close. */
    String targetDatabase(String purpose) {
        return database(purpose, databases);
    }

    @Override
    public void close() {
        CompletableFuture.allOf(List.of(console, controller, worker, flags, resolution).stream()
                .map(s -> CompletableFuture.runAsync(s::close)).toArray(CompletableFuture[]::new)).join();
        databases.forEach(TestPostgres::dropDatabase);
    }
}
