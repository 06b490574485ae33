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

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine or cluster runs here, so the deployment files are proved offline with the real
 * tools: docker-compose renders the compose file, kubectl renders the kustomization, promtool checks
 * the Prometheus configuration. The rendered output is then checked against docs/architecture.md.
 */
class DeploymentFilesTest {
    @Test
    void composeRendersPostgresTheFourServicesAndPrometheus() throws Exception {
        Map<String, Object> compose = new Yaml().load(run("docker-compose", "-f", "docker-compose.yml", "config"));
        Map<String, Map<String, Object>> services = map(compose.get("services"));
        assertThat(services).containsKeys("postgres", "prometheus");
        PORTS.forEach((name, port) -> {
            Map<String, Object> service = services.get(name);
            assertThat(service).as(name).isNotNull();
            Map<String, Object> env = map(service.get("environment"));
            assertThat(env.get("QUARKUS_HTTP_PORT")).as(name).hasToString(port.toString());
            assertThat((String) env.get("QUARKUS_DATASOURCE_JDBC_URL")).as(name)
                    .startsWith("jdbc:postgresql://postgres:5432/ulidmesh_");
            assertThat(map(map(service.get("build")).get("args")).get("SERVICE")).isEqualTo(name);
            assertThat(map(map(service.get("depends_on")).get("postgres")).get("condition")).isEqualTo("service_healthy");
        });
    }

    /**
     * Prometheus with the rules, Alertmanager with its configuration, Grafana with its data source,
     * its dashboards and no login: each mount's source is a file or folder of this repository.
     */
    @Test
    void composeRendersPrometheusWithItsRulesAlertmanagerAndAProvisionedGrafana() throws Exception {
        Map<String, Object> compose = new Yaml().load(run("docker-compose", "-f", "docker-compose.yml", "config"));
        Map<String, Map<String, Object>> services = map(compose.get("services"));
        assertThat(services).containsKeys("prometheus", "alertmanager", "grafana");

        Map<String, Path> prometheus = mounts(services.get("prometheus"));
        assertThat(prometheus).containsEntry("/etc/prometheus/prometheus.yml", TOP.resolve("deploy/prometheus/prometheus.yml"))
                .containsEntry("/etc/prometheus/rules", TOP.resolve("deploy/prometheus/rules"));

        Map<String, Object> alertmanager = services.get("alertmanager");
        assertThat((String) alertmanager.get("image")).startsWith("prom/alertmanager:");
        assertThat(mounts(alertmanager)).containsEntry("/etc/alertmanager/alertmanager.yml",
                TOP.resolve("deploy/alertmanager/alertmanager.yml"));
        assertThat(String.join(" ", list(alertmanager.get("command")).stream().map(String::valueOf).toList()))
                .contains("--config.file=/etc/alertmanager/alertmanager.yml");

        Map<String, Object> grafana = services.get("grafana");
        assertThat((String) grafana.get("image")).startsWith("grafana/grafana:");
        assertThat(mounts(grafana))
                .containsEntry("/etc/grafana/provisioning/datasources", TOP.resolve("deploy/grafana/provisioning/datasources"))
                .containsEntry("/etc/grafana/provisioning/dashboards", TOP.resolve("deploy/grafana/provisioning/dashboards"))
                .containsEntry(MonitoringFilesTest.GRAFANA_DASHBOARDS, TOP.resolve("deploy/grafana/dashboards"));
        Map<String, Object> env = map(grafana.get("environment"));
        assertThat(env).containsEntry("GF_AUTH_ANONYMOUS_ENABLED", "true");
        // the home dashboard is one of the mounted dashboards: no clicks to see it
        String home = (String) env.get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).startsWith(MonitoringFilesTest.GRAFANA_DASHBOARDS + "/");
        assertThat(TOP.resolve("deploy/grafana/dashboards").resolve(home.substring(home.lastIndexOf('/') + 1))).isRegularFile();
    }

    /** A service's bind mounts, container path to host path (both of docker-compose's renderings: short strings and maps). */
    private static Map<String, Path> mounts(Map<String, Object> service) {
        Map<String, Path> mounts = new HashMap<>();
        for (Object volume : list(service.get("volumes"))) {
            String source;
            String target;
            if (volume instanceof String s) {
                String[] parts = s.split(":");
                source = parts[0];
                target = parts[1];
            } else {
                source = (String) map(volume).get("source");
                target = (String) map(volume).get("target");
            }
            Path host = Path.of(source);
            if (host.isAbsolute()) {
                assertThat(host).as(target).exists();
                mounts.put(target, host.normalize());
            }
        }
        return mounts;
    }

    @Test
    void kustomizeRendersADeploymentAndServicePerServiceWithProbesAndScrapeAnnotations() throws Exception {
        List<Map<String, Object>> docs = documents(run("kubectl", "kustomize", "deploy/kubernetes"));
        PORTS.forEach((name, port) -> {
            Map<String, Object> deployment = find(docs, "Deployment", name);
            Map<String, Object> template = map(map(deployment.get("spec")).get("template"));
            Map<String, Object> annotations = map(map(template.get("metadata")).get("annotations"));
            assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", port.toString())
                    .containsEntry("prometheus.io/path", "/q/metrics");
            Map<String, Object> container = map(list(map(template.get("spec")).get("containers")).get(0));
            assertThat(probePath(container, "readinessProbe")).isEqualTo("/q/health/ready");
            assertThat(map(map(container.get("livenessProbe")).get("grpc")).get("port")).as("gRPC liveness").isEqualTo(port);
            assertThat(map(list(container.get("ports")).get(0)).get("containerPort")).isEqualTo(port);

            Map<String, Object> service = find(docs, "Service", name);
            assertThat(map(list(map(service.get("spec")).get("ports")).get(0)).get("port")).isEqualTo(port);
            assertThat(map(service.get("metadata")).get("namespace")).isEqualTo("ulidmesh");
        });
    }

    @Test
    void prometheusConfigIsValidAndScrapesEveryService() throws Exception {
        String config = "deploy/prometheus/prometheus.yml";
        assertThat(run("promtool", "check", "config", config)).contains("SUCCESS");
        Map<String, Object> prometheus = yaml(config);
        Map<String, Object> job = map(list(prometheus.get("scrape_configs")).get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/q/metrics");
        List<Object> targets = list(map(list(job.get("static_configs")).get(0)).get("targets"));
        PORTS.forEach((name, port) -> assertThat(targets).contains(name + ":" + port));
    }

    private static String probePath(Map<String, Object> container, String probe) {
        return (String) map(map(container.get(probe)).get("httpGet")).get("path");
    }
}
