package io.ulidmesh.deploy;

import static io.ulidmesh.deploy.RealTools.documents;
import static io.ulidmesh.deploy.RealTools.find;
import static io.ulidmesh.deploy.RealTools.list;
import static io.ulidmesh.deploy.RealTools.map;
import static io.ulidmesh.deploy.RealTools.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The operator console in docker-compose and Kubernetes, rendered by the real tools: port 8685, the four services, no database. */
class ConsoleDeploymentTest {
    private static final Map<String, String> SERVICES = Map.of(
            "ULIDMESH_CONSOLE_RESOLUTION_SERVICE", "resolution-service:8681",
            "ULIDMESH_CONSOLE_FLAG_SERVICE", "flag-service:8682",
            "ULIDMESH_CONSOLE_ROLLOUT_CONTROLLER", "rollout-controller:8683",
            "ULIDMESH_CONSOLE_MIGRATION_WORKER", "migration-worker:8684");

    @Test
    void composeRunsTheConsoleOn8685AfterTheServices() throws Exception {
        Map<String, Object> compose = new Yaml().load(run("docker-compose", "-f", "docker-compose.yml", "config"));
        Map<String, Object> console = map(map(compose.get("services")).get("console"));
        Map<String, Object> env = map(console.get("environment"));
        assertThat(env).containsAllEntriesOf(SERVICES).containsEntry("QUARKUS_HTTP_PORT", "8685")
                .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "/run/secrets/jwt-public-key")
                .doesNotContainKeys("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_PASSWORD");
        assertThat(map(map(console.get("build")).get("args")).get("SERVICE")).isEqualTo("console");
        assertThat(map(console.get("depends_on"))).containsKeys("resolution-service", "flag-service", "rollout-controller", "migration-worker");
        assertThat(list(console.get("ports")).toString()).contains("8685");
    }

    @Test
    void kustomizeRendersTheConsoleWithProbesAPolicyAndNoDatabase() throws Exception {
        List<Map<String, Object>> docs = documents(run("kubectl", "kustomize", "deploy/kubernetes"));
        Map<String, Object> deployment = find(docs, "Deployment", "console");
        assertThat(map(deployment.get("metadata")).get("namespace")).isEqualTo("ulidmesh");
        Map<String, Object> template = map(map(deployment.get("spec")).get("template"));
        assertThat(map(map(template.get("metadata")).get("annotations"))).containsEntry("prometheus.io/port", "8685");
        Map<String, Object> container = map(list(map(template.get("spec")).get("containers")).get(0));
        assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path")).isEqualTo("/q/health/ready");
        assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path")).isEqualTo("/q/health/live");
        assertThat(map(list(container.get("ports")).get(0)).get("containerPort")).isEqualTo(8685);
        assertThat(list(container.get("env"))).extracting(e -> map(e).get("name"))
                .contains(SERVICES.keySet().toArray()).doesNotContain("QUARKUS_DATASOURCE_JDBC_URL");
        assertThat(map(map(container.get("securityContext")))).containsEntry("readOnlyRootFilesystem", true);

        Map<String, Object> service = find(docs, "Service", "console");
        assertThat(map(list(map(service.get("spec")).get("ports")).get(0)).get("port")).isEqualTo(8685);
        Map<String, Object> policy = map(find(docs, "NetworkPolicy", "console-from-the-cluster").get("spec"));
        assertThat(map(map(policy.get("podSelector")).get("matchLabels"))).containsEntry("app.kubernetes.io/name", "console");
        assertThat(list(map(list(policy.get("ingress")).get(0)).get("ports"))).extracting(p -> map(p).get("port")).containsExactly(8685);
    }
}
