package io.ulidmesh.system;

import static io.ulidmesh.testsupport.GrpcAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.FlagServiceGrpc;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import io.ulidmesh.proto.migration.v1.CreateMigrationRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.MigrationServiceGrpc;
import io.ulidmesh.proto.migration.v1.MigrationSpec;
import io.ulidmesh.proto.migration.v1.MigrationState;
import io.ulidmesh.proto.migration.v1.RegisterTargetRequest;
import io.ulidmesh.proto.migration.v1.StepRequest;
import io.ulidmesh.proto.resolution.v1.BatchResolveRequest;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.GetStatsRequest;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.PhaseState;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.testsupport.ServiceProcess;
import io.ulidmesh.testsupport.TestChannels;
import io.ulidmesh.testsupport.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every PromQL expression of the Grafana dashboards and the alerting rules parses (promtool) and
 * names only metrics that the four services, running as real processes and after real traffic
 * over gRPC, export on /q/metrics. A renamed metric then breaks the build, not a dashboard.
 */
class MonitoringQueriesIT {
    private static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    private static final Path DASHBOARDS = TOP.resolve("deploy/grafana/dashboards");
    private static final Path RULES = TOP.resolve("deploy/prometheus/rules");
    /** Series Prometheus itself makes: not exported by a service, named on purpose. */
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up", "ALERTS", "ALERTS_FOR_STATE",
            "scrape_duration_seconds", "scrape_samples_scraped", "scrape_series_added");
    private static final int TARGET_ROWS = 12_000;

    /** One expression and where it was found. */
    record Query(String where, String expr) {
    }

    @Test
    void everyExpressionParsesAndNamesOnlyMetricsTheFourServicesExport() throws Exception {
        List<Query> queries = queries();
        assertThat(queries).hasSizeGreaterThan(40);
        assertParses(queries);

        Set<String> exported = exportedAfterTraffic();
        Map<String, Set<String>> missing = new TreeMap<>();
        for (Query q : queries) {
            for (String name : PromqlNames.metricNames(q.expr())) {
                if (!exported.contains(name) && !PROMETHEUS_SERIES.contains(name)) {
                    missing.computeIfAbsent(name, n -> new TreeSet<>()).add(q.where());
                }
            }
        }
        assertThat(missing).as("metrics named in dashboards or rules that no service exports").isEmpty();
    }

    /** The name extraction itself, on the shapes the dashboards and rules use. */
    @Test
    void metricNamesAreTheSelectorsNotFunctionsLabelsKeywordsOrDurations() {
        assertThat(PromqlNames.metricNames("histogram_quantile(0.95, sum by (instance, le) "
                + "(rate(ulidmesh_flag_propagation_seconds_bucket{job=\"ulidmesh\",le=~\"1.*\"}[5m]))) > 1"))
                .containsExactly("ulidmesh_flag_propagation_seconds_bucket");
        assertThat(PromqlNames.metricNames("delta(a_rows[10m]) <= 0 and a_rows < b_rows offset 5m"))
                .containsExactly("a_rows", "b_rows");
        assertThat(PromqlNames.metricNames("sum(rate(x_total{outcome!=\"found\"}[5m])) / ignoring(outcome) group_left(le) "
                + "sum without (instance) (y_count) or vector(0) unless on (job) up == bool 1e3"))
                .containsExactly("x_total", "y_count", "up");
        assertThat(PromqlNames.metricNames("label_values(ulidmesh_rollout_signal, signal)")).containsExactly("ulidmesh_rollout_signal");
        assertThat(PromqlNames.metricNames("max by (state) (ulidmesh_rollouts{state=~\"a|b\"}) > 0"))
                .containsExactly("ulidmesh_rollouts");
        assertThat(PromqlNames.metricNames("topk by (flag) (3, flag_points) + count without (le) (sum_total)"))
                .containsExactly("flag_points", "sum_total");
    }

    // ---------------------------------------------------------------- the queries

    static List<Query> queries() throws IOException {
        List<Query> queries = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = json.readTree(file.toFile());
                for (JsonNode panel : dashboard.path("panels")) {
                    collectTargets(file, panel, queries);
                    for (JsonNode inner : panel.path("panels")) {
                        collectTargets(file, inner, queries);
                    }
                }
                for (JsonNode variable : dashboard.path("templating").path("list")) {
                    if (variable.path("type").asText().equals("query")) {
                        String query = variable.path("query").isObject() ? variable.path("query").path("query").asText()
                                : variable.path("query").asText();
                        queries.add(new Query(file.getFileName() + " variable " + variable.path("name").asText(), query));
                    }
                }
            }
        }
        try (Stream<Path> files = Files.list(RULES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                Map<String, Object> rules = new Yaml().load(Files.readString(file));
                for (Object group : (List<?>) rules.get("groups")) {
                    for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                        Map<?, ?> r = (Map<?, ?>) rule;
                        Object name = r.get("alert") != null ? r.get("alert") : r.get("record");
                        queries.add(new Query(file.getFileName() + " " + name, (String) r.get("expr")));
                    }
                }
            }
        }
        return queries;
    }

    private static void collectTargets(Path file, JsonNode panel, List<Query> queries) {
        for (JsonNode target : panel.path("targets")) {
            String expr = target.path("expr").asText();
            if (!expr.isBlank()) {
                queries.add(new Query(file.getFileName() + " panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        expr));
            }
        }
    }

    /**
     * Parses every expression with promtool: each becomes a recording rule of a temporary rules
     * file, which {@code promtool check rules} parses. Grafana's variables become what Grafana
     * would put there ({@code $__rate_interval} a duration, a multi-value variable a regex).
     */
    static void assertParses(List<Query> queries) throws Exception {
        StringBuilder file = new StringBuilder("groups:\n  - name: dashboards-and-rules\n    rules:\n");
        List<Query> parsed = new ArrayList<>();
        for (Query q : queries) {
            if (q.expr().startsWith("label_values(")) {
                // a Grafana function: its argument is a metric name, checked below as such
                assertThat(q.expr()).as(q.where()).matches("label_values\\([a-zA-Z_:][a-zA-Z0-9_:]*, *[a-zA-Z_][a-zA-Z0-9_]*\\)");
                continue;
            }
            file.append("      - record: ulidmesh:query:").append(parsed.size()).append('\n')
                    .append("        expr: ").append(yamlString(asPrometheusSees(q.expr()))).append('\n');
            parsed.add(q);
        }
        Path rules = Files.createTempFile("ulidmesh-queries", ".yml");
        try {
            Files.writeString(rules, file);
            Process promtool = new ProcessBuilder("promtool", "check", "rules", rules.toString()).redirectErrorStream(true).start();
            String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (promtool.exitValue() != 0) {
                // name each expression promtool refused: "group ..., rule N, ..."
                Matcher m = Pattern.compile("rule (\\d+)").matcher(output);
                List<String> refused = new ArrayList<>();
                while (m.find()) {
                    int index = Integer.parseInt(m.group(1)) - 1;
                    if (index >= 0 && index < parsed.size()) {
                        refused.add(parsed.get(index).where() + ": " + parsed.get(index).expr());
                    }
                }
                throw new AssertionError("promtool refused expressions " + refused + ":\n" + output);
            }
            assertThat(output).contains("SUCCESS: " + parsed.size() + " rules found");
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    static String asPrometheusSees(String expr) {
        return expr.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h")
                .replaceAll("\\$\\{[a-zA-Z_][a-zA-Z0-9_]*(:[a-z]+)?}|\\$[a-zA-Z_][a-zA-Z0-9_]*|\\[\\[[a-zA-Z_][a-zA-Z0-9_]*]]", ".*");
    }

    private static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    // ---------------------------------------------------------------- the services, traffic and scrapes

    /** Starts the four services, sends each real traffic over gRPC, and returns every series name they export. */
    static Set<String> exportedAfterTraffic() throws Exception {
        List<String> databases = new ArrayList<>();
        List<AutoCloseable> cleanup = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        try {
            String targetDb = TestPostgres.createDatabase("monitoring_target");
            databases.add(targetDb);
            seedTarget(targetDb);
            ServiceProcess resolution = start(cleanup, databases, "resolution-service", Map.of());
            ServiceProcess flags = start(cleanup, databases, "flag-service", Map.of());
            ServiceProcess worker = start(cleanup, databases, "migration-worker", Map.of(
                    "ulidmesh.migration.allowed-hosts", URI.create(targetDb.substring("jdbc:".length())).getAuthority()));
            ServiceProcess controller = start(cleanup, databases, "rollout-controller", Map.of(
                    "ulidmesh.rollout.flag-service", flags.address(),
                    "ulidmesh.rollout.migration-worker", worker.address()));

            resolutionTraffic(channel(cleanup, resolution));
            flagTraffic(channel(cleanup, flags));
            names.addAll(migrationTraffic(channel(cleanup, worker), worker, targetDb));
            rolloutTraffic(channel(cleanup, controller), controller, flags);
            await(() -> scrape(flags).contains("ulidmesh_flag_propagation_seconds_count"), "flag changes propagated");
            for (ServiceProcess service : List.of(resolution, flags, worker, controller)) {
                names.addAll(seriesNames(scrape(service)));
            }
            return names;
        } finally {
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                cleanup.get(i).close();
            }
            databases.forEach(TestPostgres::dropDatabase);
        }
    }

    private static ServiceProcess start(List<AutoCloseable> cleanup, List<String> databases, String module,
                                        Map<String, String> config) {
        String db = TestPostgres.createDatabase("monitoring_" + module);
        databases.add(db);
        ServiceProcess service = ServiceProcess.start(module, db, config);
        cleanup.add(service);
        return service;
    }

    private static ManagedChannel channel(List<AutoCloseable> cleanup, ServiceProcess service) {
        ManagedChannel channel = TestChannels.to(service.port());
        cleanup.add(channel::shutdownNow);
        return channel;
    }

    private static void resolutionTraffic(ManagedChannel channel) {
        var stub = ResolutionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(180, TimeUnit.SECONDS);
        List<String> ulids = stub.generate(GenerateRequest.newBuilder().setCount(10).build()).getUlidsList();
        for (int i = 0; i < 5; i++) {
            stub.register(RegisterRequest.newBuilder().setUlid(ulids.get(i)).setSystem("crackerjack").setReferenceType("job")
                    .setReference("job-" + i).build());
        }
        assertStatus(Status.Code.ALREADY_EXISTS, () -> stub.register(RegisterRequest.newBuilder().setUlid(ulids.get(0))
                .setSystem("dhruva").setReferenceType("adapter").setReference("other").build()));
        for (int i = 0; i < 5; i++) {
            stub.resolve(ResolveRequest.newBuilder().setUlid(ulids.get(i)).build());
        }
        assertStatus(Status.Code.NOT_FOUND, () -> stub.resolve(ResolveRequest.newBuilder().setUlid(ulids.get(9)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.resolve(ResolveRequest.newBuilder().setUlid("nope").build()));
        stub.batchResolve(BatchResolveRequest.newBuilder().addAllUlids(ulids).build());
        stub.getStats(GetStatsRequest.getDefaultInstance());
    }

    private static void flagTraffic(ManagedChannel channel) {
        var stub = FlagServiceGrpc.newBlockingStub(channel).withDeadlineAfter(180, TimeUnit.SECONDS);
        stub.setFlag(SetFlagRequest.newBuilder().setName("use_v2_coordinator").setBasisPoints(1_000).setReason("monitoring test").build());
        stub.evaluate(EvaluateRequest.newBuilder().setFlag("use_v2_coordinator").setEntityId("coordinator-7").build());
        stub.evaluate(EvaluateRequest.newBuilder().setFlag("no_such_flag").setEntityId("coordinator-7").build());
    }

    /** Expand, a throttled backfill scraped while it runs (its gauges exist only then), validate. */
    private static Set<String> migrationTraffic(ManagedChannel channel, ServiceProcess worker, String targetDb) throws Exception {
        var stub = MigrationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(180, TimeUnit.SECONDS);
        stub.registerTarget(RegisterTargetRequest.newBuilder().setName("crackerjack").setJdbcUrl(targetDb)
                .setUsername(TestPostgres.user()).setPassword(TestPostgres.password()).build());
        String id = stub.createMigration(CreateMigrationRequest.newBuilder().setSpec(MigrationSpec.newBuilder()
                .setName("crackerjack-jobs").setTarget("crackerjack").setTable("jobs").setKeyColumn("id").setUlidColumn("job_ulid")
                .setBatchSize(500).setMaxRowsPerSecond(3_000)).build()).getId();
        stub.expand(step(id));
        stub.backfill(step(id));
        String gauge = "ulidmesh_backfill_rows_done{migration=\"" + id + "\"}";
        String[] whileRunning = new String[1];
        await(() -> {
            String metrics = scrape(worker);
            whileRunning[0] = metrics;
            return metrics.contains(gauge) && !metrics.contains(gauge + " 0.0");
        }, "the backfill's gauges");
        Set<String> names = seriesNames(whileRunning[0]);
        await(() -> stub.getMigration(GetMigrationRequest.newBuilder().setId(id).build()).getState() == MigrationState.BACKFILLED,
                "the backfill to finish");
        assertThat(stub.validate(step(id)).getPassed()).isTrue();
        return names;
    }

    /** A rollout baking its phase with a pushed signal under its threshold, then rolled back by hand. */
    private static void rolloutTraffic(ManagedChannel channel, ServiceProcess controller, ServiceProcess flags) {
        var stub = RolloutServiceGrpc.newBlockingStub(TestChannels.as(channel, "release-manager"))
                .withDeadlineAfter(180, TimeUnit.SECONDS);
        Rollout r = stub.createRollout(CreateRolloutRequest.newBuilder().setStart(true).setPlanYaml("""
                name: monitoring-it
                signals:
                  - { name: coordinator_error_rate, source: push }
                rollback:
                  - { signal: coordinator_error_rate, above: 5 }
                phases:
                  - { name: canary, flags: { use_v2_coordinator: 10% }, bake: 1h }
                """).build());
        await(() -> {
            Rollout now = stub.getRollout(GetRolloutRequest.newBuilder().setId(r.getId()).build());
            return now.getState() == RolloutState.RUNNING && now.getPhases(0).getState() == PhaseState.PHASE_BAKING;
        }, "the rollout to bake its first phase");
        stub.reportSignal(ReportSignalRequest.newBuilder().setName("coordinator_error_rate").setValue(1.5).build());
        await(() -> scrape(controller).contains("ulidmesh_rollout_signal_threshold{"), "the signal's threshold gauge");
        // the phase gauge exists while the rollout is in progress: take the names now
        assertThat(scrape(controller)).contains("ulidmesh_rollout_phase{");
        stub.rollbackRollout(RolloutActionRequest.newBuilder().setId(r.getId()).setReason("monitoring test").build());
    }

    private static StepRequest step(String id) {
        return StepRequest.newBuilder().setId(id).setReason("monitoring test").build();
    }

    private static void seedTarget(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE jobs (id bigint PRIMARY KEY, test_file text NOT NULL)");
            s.execute("INSERT INTO jobs SELECT g, 'test_' || g || '.py' FROM generate_series(1, " + TARGET_ROWS + ") g");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static String scrape(ServiceProcess service) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + service.address() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("could not scrape " + service.address(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The series names of an exposition: histograms as their _bucket, _sum and _count, counters with _total, as scraped. */
    static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    // ---------------------------------------------------------------- metric names in PromQL

    /**
     * The metric names a PromQL expression selects. After string literals, label matchers,
     * ranges and numbers are taken out, an identifier is a function when a parenthesis follows
     * it, a label list when it follows by, without, on, ignoring, group_left or group_right, a
     * keyword or aggregation operator when it is one (sum by (le) (...)), and otherwise a metric name.
     */
    static final class PromqlNames {
        /** PromQL's keywords and aggregation operators: never a metric name (those need {__name__="..."}). */
        private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
                "ignoring", "group_left", "group_right", "atan2", "inf", "nan", "start", "end",
                "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
                "quantile", "limitk", "limit_ratio");
        private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
        private static final Pattern TOKEN = Pattern.compile(
                "(?<number>[0-9][0-9a-zA-Z._+-]*)|(?<id>[a-zA-Z_:][a-zA-Z0-9_:]*)|(?<other>.)", Pattern.DOTALL);

        private PromqlNames() {
        }

        static List<String> metricNames(String expr) {
            Matcher labelValues = Pattern.compile("^label_values\\(\\s*([^,]*),[^)]*\\)$").matcher(expr.strip());
            if (labelValues.matches()) {
                return metricNames(labelValues.group(1)); // Grafana's label_values(selector, label)
            }
            String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'|`[^`]*`", "\"\"")
                    .replaceAll("\\{[^}]*}", " ")
                    .replaceAll("\\[[^]]*]", " ");
            List<String> names = new ArrayList<>();
            Matcher m = TOKEN.matcher(s);
            int skipDepth = -1;
            int depth = 0;
            while (m.find()) {
                if (m.group("other") != null) {
                    char c = m.group("other").charAt(0);
                    if (c == '(') {
                        depth++;
                    } else if (c == ')') {
                        depth--;
                        if (depth == skipDepth) {
                            skipDepth = -1;
                        }
                    }
                    continue;
                }
                String id = m.group("id");
                if (id == null) {
                    continue;
                }
                if (skipDepth >= 0) {
                    continue; // inside a label list
                }
                boolean call = s.substring(m.end()).stripLeading().startsWith("(");
                if (LABEL_LISTS.contains(id) && call) {
                    skipDepth = depth;
                    continue;
                }
                if (!call && !KEYWORDS.contains(id) && !names.contains(id)) {
                    names.add(id);
                }
            }
            return names;
        }
    }
}
