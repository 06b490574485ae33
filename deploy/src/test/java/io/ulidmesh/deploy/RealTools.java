package io.ulidmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.Yaml;

/** What the deployment files' tests share: the repository's top, the real tools run there, and YAML read as maps and lists. */
final class RealTools {
    static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    static final Map<String, Integer> PORTS = Map.of(
            "resolution-service", 8681, "flag-service", 8682, "rollout-controller", 8683, "migration-worker", 8684);

    private RealTools() {
    }

    /** Runs {@code command} in the repository's top; asserts it exits 0 within a minute and answers what it printed. */
    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(TOP.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + " said:\n" + output).isZero();
        return output;
    }

    /** A YAML file of the repository, by its path from the top. */
    static Map<String, Object> yaml(String file) throws IOException {
        return map(new Yaml().load(Files.readString(TOP.resolve(file))));
    }

    /** Every document of a multi-document YAML text (what kubectl kustomize prints). */
    static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(yaml).forEach(d -> docs.add(map(d)));
        return docs;
    }

    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream()
                .filter(d -> kind.equals(d.get("kind")) && name.equals(map(d.get("metadata")).get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
    }

    @SuppressWarnings("unchecked")
    static <V> Map<String, V> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, V>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }
}
