package io.ulidmesh.deploy;

import static io.ulidmesh.deploy.RealTools.PORTS;
import static io.ulidmesh.deploy.RealTools.documents;
import static io.ulidmesh.deploy.RealTools.find;
import static io.ulidmesh.deploy.RealTools.list;
import static io.ulidmesh.deploy.RealTools.map;
import static io.ulidmesh.deploy.RealTools.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes base and its "production" and "local" overlays, rendered by the real kubectl
 * kustomize: hardened pods, network policies, and what each overlay adds.
 */
class KubernetesOverlaysTest {

    private static List<Map<String, Object>> render(String dir) throws Exception {
        return documents(run("kubectl", "kustomize", dir));
    }

    private static List<Map<String, Object>> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static Map<String, Object> podSpec(Map<String, Object> deployment) {
        return map(map(map(deployment.get("spec")).get("template")).get("spec"));
    }

    private static Object name(Map<String, Object> doc) {
        return map(doc.get("metadata")).get("name");
    }

    @Test
    void everyPodRunsNonRootReadOnlyWithoutCapabilitiesSpreadOverZonesAndNodes() throws Exception {
        List<Map<String, Object>> docs = render("deploy/kubernetes");
        PORTS.forEach((service, port) -> {
            Map<String, Object> pod = podSpec(find(docs, "Deployment", service));
            Map<String, Object> podSecurity = map(pod.get("securityContext"));
            assertThat(podSecurity).as(service).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 185);
            assertThat(map(podSecurity.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");

            Map<String, Object> container = map(list(pod.get("containers")).get(0));
            Map<String, Object> security = map(container.get("securityContext"));
            assertThat(security).as(service).containsEntry("readOnlyRootFilesystem", true)
                    .containsEntry("allowPrivilegeEscalation", false);
            assertThat(list(map(security.get("capabilities")).get("drop"))).containsExactly("ALL");
            assertThat(list(container.get("volumeMounts"))).as("a writable /tmp")
                    .anySatisfy(m -> assertThat(map(m)).containsEntry("name", "tmp").containsEntry("mountPath", "/tmp"));
            assertThat(list(pod.get("volumes"))).anySatisfy(v -> assertThat(map(v)).containsEntry("name", "tmp")
                    .containsKey("emptyDir"));

            Map<String, Object> resources = map(container.get("resources"));
            assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
            assertThat(map(resources.get("limits"))).containsKey("memory");
            assertThat(map(map(container.get("livenessProbe")).get("grpc")).get("port")).isEqualTo(port);

            assertThat(list(pod.get("topologySpreadConstraints"))).extracting(c -> map(c).get("topologyKey"))
                    .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
            assertThat(list(pod.get("topologySpreadConstraints"))).allSatisfy(c -> assertThat(
                    map(map(map(c).get("labelSelector")).get("matchLabels"))).containsEntry("app.kubernetes.io/name", service));
        });
    }

    /** Ingress is denied by default; only the controller (and the console) reach the worker; Prometheus scrapes all. */
    @Test
    void networkPoliciesLetInOnlyWhatEachServiceNeeds() throws Exception {
        List<Map<String, Object>> docs = render("deploy/kubernetes");
        Map<String, Object> deny = map(find(docs, "NetworkPolicy", "default-deny-ingress").get("spec"));
        assertThat(map(map(deny.get("podSelector")).get("matchLabels"))).containsEntry("app.kubernetes.io/part-of", "ulidmesh");
        assertThat(deny).doesNotContainKey("ingress");

        Map<String, Object> worker = map(find(docs, "NetworkPolicy", "migration-worker-from-the-controller").get("spec"));
        List<Object> from = list(map(list(worker.get("ingress")).get(0)).get("from"));
        assertThat(from).extracting(f -> map(map(map(f).get("podSelector")).get("matchLabels")).get("app.kubernetes.io/name"))
                .containsExactly("rollout-controller", "console");
        assertThat(from).allSatisfy(f -> assertThat(map(f)).doesNotContainKey("namespaceSelector"));

        Map<String, Object> scrape = map(find(docs, "NetworkPolicy", "prometheus-scrapes").get("spec"));
        List<Object> ports = list(map(list(scrape.get("ingress")).get(0)).get("ports"));
        assertThat(ports).extracting(p -> map(p).get("port")).containsExactlyInAnyOrderElementsOf(PORTS.values());
        kind(docs, "NetworkPolicy").forEach(p -> assertThat(map(p.get("metadata")).get("namespace")).isEqualTo("ulidmesh"));
    }

    @Test
    void productionRunsThreeReplicasOfTheReadServicesWithAutoscalingAndABudgetForEveryService() throws Exception {
        List<Map<String, Object>> docs = render("deploy/kubernetes-production");
        for (String service : List.of("resolution-service", "flag-service")) {
            assertThat(map(find(docs, "Deployment", service).get("spec")).get("replicas")).as(service).isEqualTo(3);
            Map<String, Object> hpa = map(find(docs, "HorizontalPodAutoscaler", service).get("spec"));
            assertThat(map(hpa.get("scaleTargetRef"))).containsEntry("kind", "Deployment").containsEntry("name", service);
            assertThat((Integer) hpa.get("minReplicas")).isGreaterThanOrEqualTo(3);
            assertThat((Integer) hpa.get("maxReplicas")).isGreaterThan((Integer) hpa.get("minReplicas"));
        }
        assertThat(kind(docs, "HorizontalPodAutoscaler")).hasSize(2);
        PORTS.keySet().forEach(service -> {
            Map<String, Object> budget = map(find(docs, "PodDisruptionBudget", service).get("spec"));
            Map<String, Object> podLabels = map(map(map(map(find(docs, "Deployment", service).get("spec"))
                    .get("template")).get("metadata")).get("labels"));
            assertThat(podLabels).as("the budget selects the service's pods")
                    .containsAllEntriesOf(map(map(budget.get("selector")).get("matchLabels")));
        });
        assertThat(map(find(docs, "Deployment", "rollout-controller").get("spec")).get("replicas"))
                .as("a leader and a standby").isEqualTo(2);
        assertThat(map(find(docs, "Deployment", "migration-worker").get("spec")).get("replicas"))
                .as("two workers, each backfill claimed by one").isEqualTo(2);
        assertThat(kind(docs, "NetworkPolicy")).as("the base's policies, the console's among them").hasSize(6);
    }

    @Test
    void localRunsOneSmallReplicaOfEachWithoutAutoscalingOrBudgets() throws Exception {
        List<Map<String, Object>> docs = render("deploy/kubernetes-local");
        List<Map<String, Object>> deployments = kind(docs, "Deployment");
        assertThat(deployments).extracting(KubernetesOverlaysTest::name).containsAll(PORTS.keySet());
        deployments.forEach(d -> assertThat(map(d.get("spec")).get("replicas")).as(String.valueOf(name(d))).isEqualTo(1));
        assertThat(kind(docs, "HorizontalPodAutoscaler")).isEmpty();
        assertThat(kind(docs, "PodDisruptionBudget")).isEmpty();
    }
}
