package io.ulidmesh.deploy;

import static io.ulidmesh.deploy.RealTools.PORTS;
import static io.ulidmesh.deploy.RealTools.TOP;
import static io.ulidmesh.deploy.RealTools.documents;
import static io.ulidmesh.deploy.RealTools.find;
import static io.ulidmesh.deploy.RealTools.list;
import static io.ulidmesh.deploy.RealTools.map;
import static io.ulidmesh.deploy.RealTools.run;
import static io.ulidmesh.deploy.RealTools.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The monitoring files, proved offline with the real tools: promtool checks the alerting rules and
 * runs their unit tests, amtool checks Alertmanager's configuration, kubectl renders the optional
 * monitoring component. Every PromQL expression's metric names are checked against the running
 * services by system-tests' MonitoringQueriesIT.
 */
class MonitoringFilesTest {
    private static final String RULES = "deploy/prometheus/rules/ulidmesh.rules.yml";
    private static final Set<String> ALERTS = Set.of("ULIDCollisionRate", "ULIDResolutionLatency",
            "CrossSystemResolutionErrors", "ULIDRegistrySizeHigh", "RolloutRolledBack", "RolloutStuck",
            "RolloutControllerWithoutLeader", "MigrationStalled", "FlagPropagationLagHigh", "ServiceDown");

    @Test
    void theRulesAreValidAndEachHasASeverityASummaryAndADescription() throws Exception {
        assertThat(run("promtool", "check", "rules", RULES)).contains("SUCCESS: " + ALERTS.size() + " rules found");
        Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
        for (Object group : list(yaml(RULES).get("groups"))) {
            for (Object rule : list(map(group).get("rules"))) {
                alerts.put((String) map(rule).get("alert"), map(rule));
            }
        }
        assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(ALERTS);
        alerts.forEach((name, rule) -> {
            assertThat(map(rule.get("labels")).get("severity")).as(name).isIn("critical", "warning");
            assertThat(map(rule.get("annotations"))).as(name).containsKeys("summary", "description");
        });
    }

    /** promtool test rules: every rule has a test whose series fire it and one whose series must not. */
    @Test
    void theRulesUnitTestsPassAndCoverEveryRuleBothWays() throws Exception {
        List<String> tests;
        try (Stream<Path> files = Files.list(TOP.resolve("deploy/prometheus/tests"))) {
            tests = files.filter(f -> f.toString().endsWith(".yml")).map(f -> TOP.relativize(f).toString()).sorted().toList();
        }
        assertThat(tests).isNotEmpty();
        List<String> command = new ArrayList<>(List.of("promtool", "test", "rules"));
        command.addAll(tests);
        String output = run(command.toArray(String[]::new));
        assertThat(output).contains("SUCCESS").doesNotContain("FAILED");

        Set<String> fired = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (String file : tests) {
            Map<String, Object> suite = yaml(file);
            assertThat(list(suite.get("rule_files"))).as(file).containsExactly("../rules/ulidmesh.rules.yml");
            for (Object test : list(suite.get("tests"))) {
                for (Object check : list(map(test).getOrDefault("alert_rule_test", List.of()))) {
                    String alert = (String) map(check).get("alertname");
                    (list(map(check).get("exp_alerts")).isEmpty() ? quiet : fired).add(alert);
                }
            }
        }
        assertThat(fired).as("alerts some test fires").containsExactlyInAnyOrderElementsOf(ALERTS);
        assertThat(quiet).as("alerts some test expects not to fire").containsExactlyInAnyOrderElementsOf(ALERTS);
    }

    @Test
    void prometheusLoadsTheRulesAndSendsToAlertmanager() throws Exception {
        String config = "deploy/prometheus/prometheus.yml";
        assertThat(run("promtool", "check", "config", config)).contains("SUCCESS: 1 rule files found")
                .contains("Checking deploy/prometheus/rules/ulidmesh.rules.yml");
        Map<String, Object> prometheus = yaml(config);
        assertThat(list(prometheus.get("rule_files"))).containsExactly("rules/*.yml");
        Map<String, Object> alertmanager = map(list(map(prometheus.get("alerting")).get("alertmanagers")).get(0));
        assertThat(list(map(list(alertmanager.get("static_configs")).get(0)).get("targets"))).containsExactly("alertmanager:9093");
    }

    @Test
    void alertmanagerConfigIsValid() throws Exception {
        assertThat(run("amtool", "check-config", "deploy/alertmanager/alertmanager.yml")).contains("SUCCESS");
    }

    /**
     * kubectl renders the mesh with the monitoring component: a ServiceMonitor per service that
     * selects that Service and scrapes its named port's /q/metrics, and a PrometheusRule whose
     * groups are exactly the rules file's (the one source of truth; sync-rules.sh copies them).
     */
    @Test
    void theMonitoringComponentRendersServiceMonitorsAndTheRulesFile() throws Exception {
        List<Map<String, Object>> docs = documents(run("kubectl", "kustomize", "deploy/kubernetes-monitoring"));
        PORTS.forEach((name, port) -> {
            Map<String, Object> service = find(docs, "Service", name);
            Map<String, Object> servicePort = map(list(map(service.get("spec")).get("ports")).get(0));
            Map<String, Object> monitor = find(docs, "ServiceMonitor", name);
            assertThat(map(monitor.get("metadata")).get("namespace")).isEqualTo("ulidmesh");
            Map<String, Object> spec = map(monitor.get("spec"));
            Map<String, Object> serviceLabels = map(map(service.get("metadata")).get("labels"));
            assertThat(serviceLabels).containsAllEntriesOf(map(map(spec.get("selector")).get("matchLabels")));
            assertThat(serviceLabels).containsEntry((String) spec.get("jobLabel"), "ulidmesh");
            Map<String, Object> endpoint = map(list(spec.get("endpoints")).get(0));
            assertThat(endpoint.get("port")).isEqualTo(servicePort.get("name"));
            assertThat(endpoint.get("path")).isEqualTo("/q/metrics");
        });
        Map<String, Object> rule = find(docs, "PrometheusRule", "ulidmesh");
        assertThat(map(rule.get("metadata")).get("namespace")).isEqualTo("ulidmesh");
        assertThat(map(rule.get("spec")).get("groups"))
                .as("the PrometheusRule's groups differ from " + RULES + ": run deploy/kubernetes/components/monitoring/sync-rules.sh")
                .isEqualTo(yaml(RULES).get("groups"));
        // The base stays without the component: it needs the prometheus-operator's CRDs.
        assertThat(run("kubectl", "kustomize", "deploy/kubernetes")).doesNotContain("kind: ServiceMonitor", "kind: PrometheusRule");
    }

    /**
     * The two dashboards: strict JSON, their rows, every query panel on the dashboard's Prometheus
     * variable with at least one expression, distinct panel ids, and a layout inside 24 columns.
     */
    @Test
    void theDashboardsHaveTheirSectionsAndEveryPanelQueriesPrometheus() throws Exception {
        JsonNode ecosystem = dashboard("ulid-ecosystem-monitoring.json");
        assertThat(ecosystem.get("title").asText()).isEqualTo("ULID Ecosystem Monitoring");
        assertThat(rows(ecosystem)).containsExactly("ULID generation", "Cross-system resolution", "Application performance");
        JsonNode rollouts = dashboard("rollouts.json");
        assertThat(rollouts.get("title").asText()).isEqualTo("Rollouts");
        assertThat(rows(rollouts)).containsExactly("Rollouts", "Flags", "Signals", "Rollbacks", "Migrations", "Alerts");
        assertThat(titles(rollouts)).contains("Phases over time", "Flag values", "$signal", "Rollbacks by reason", "Backfill progress");
        for (JsonNode dashboard : List.of(ecosystem, rollouts)) {
            String name = dashboard.get("title").asText();
            assertThat(dashboard.get("uid").asText()).as(name).isNotBlank();
            assertThat(dashboard.at("/templating/list/0/type").asText()).as(name).isEqualTo("datasource");
            Set<Integer> ids = new TreeSet<>();
            for (JsonNode panel : dashboard.get("panels")) {
                String title = name + ": " + panel.get("title").asText();
                assertThat(ids.add(panel.get("id").asInt())).as(title + " id").isTrue();
                JsonNode grid = panel.get("gridPos");
                assertThat(grid.get("x").asInt() + grid.get("w").asInt()).as(title).isLessThanOrEqualTo(24);
                if (panel.get("type").asText().equals("row")) {
                    continue;
                }
                assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo("${datasource}");
                assertThat(panel.get("targets")).as(title).isNotEmpty();
                panel.get("targets").forEach(t -> assertThat(t.get("expr").asText()).as(title).isNotBlank());
            }
        }
    }

    /** Grafana provisioning: the data source the dashboards default to, and the folder they load from (docker-compose mounts it). */
    @Test
    void grafanaIsProvisionedWithPrometheusAndTheDashboards() throws Exception {
        Map<String, Object> source = map(list(yaml("deploy/grafana/provisioning/datasources/prometheus.yml").get("datasources")).get(0));
        assertThat(source).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090")
                .containsEntry("isDefault", true);
        Map<String, Object> provider = map(list(yaml("deploy/grafana/provisioning/dashboards/ulidmesh.yml").get("providers")).get(0));
        assertThat(provider).containsEntry("type", "file");
        assertThat(map(provider.get("options")).get("path")).isEqualTo(GRAFANA_DASHBOARDS);
    }

    /** Where docker-compose mounts deploy/grafana/dashboards in the Grafana container (DeploymentFilesTest checks the mount). */
    static final String GRAFANA_DASHBOARDS = "/var/lib/grafana/dashboards";

    private static JsonNode dashboard(String file) throws IOException {
        return new ObjectMapper().readTree(TOP.resolve("deploy/grafana/dashboards").resolve(file).toFile());
    }

    private static List<String> rows(JsonNode dashboard) {
        List<String> rows = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            if (p.get("type").asText().equals("row")) {
                rows.add(p.get("title").asText());
            }
        });
        return rows;
    }

    private static List<String> titles(JsonNode dashboard) {
        List<String> titles = new ArrayList<>();
        dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        return titles;
    }
}
