package io.ulidmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine or cluster runs here, so the deployment files are proved offline with the real
 * tools: docker-compose renders the compose file, kubectl renders the kustomization, promtool checks
 * the Prometheus configuration. The rendered output is then checked against docs/architecture.md.
 */
class DeploymentFilesTest {
    private static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    private static final Map<String, Integer> PORTS = Map.of(
            "resolution-service", 8681, "flag-service", 8682, "rollout-controller", 8683, "migration-worker", 8684);

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

    @Test
    void kustomizeRendersADeploymentAndServicePerServiceWithProbesAndScrapeAnnotations() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(run("kubectl", "kustomize", "deploy/kubernetes")).forEach(d -> docs.add(map(d)));
        PORTS.forEach((name, port) -> {
            Map<String, Object> deployment = find(docs, "Deployment", name);
            Map<String, Object> template = map(map(deployment.get("spec")).get("template"));
            Map<String, Object> annotations = map(map(template.get("metadata")).get("annotations"));
            assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", port.toString())
                    .containsEntry("prometheus.io/path", "/q/metrics");
            Map<String, Object> container = map(list(map(template.get("spec")).get("containers")).get(0));
            assertThat(probePath(container, "readinessProbe")).isEqualTo("/q/health/ready");
            assertThat(probePath(container, "livenessProbe")).isEqualTo("/q/health/live");
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
        Map<String, Object> prometheus = new Yaml().load(java.nio.file.Files.readString(TOP.resolve(config)));
        Map<String, Object> job = map(list(prometheus.get("scrape_configs")).get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/q/metrics");
        List<Object> targets = list(map(list(job.get("static_configs")).get(0)).get("targets"));
        PORTS.forEach((name, port) -> assertThat(targets).contains(name + ":" + port));
    }

    private static String probePath(Map<String, Object> container, String probe) {
        return (String) map(map(container.get(probe)).get("httpGet")).get("path");
    }

    private static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream()
                .filter(d -> kind.equals(d.get("kind")) && name.equals(map(d.get("metadata")).get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(TOP.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + " said:\n" + output).isZero();
        return output;
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, V>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }
}
