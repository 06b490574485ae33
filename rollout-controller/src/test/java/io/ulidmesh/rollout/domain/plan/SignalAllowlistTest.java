package io.ulidmesh.rollout.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where pulled signals may come from: URLs compared parsed, never as strings; health targets as host:port. */
class SignalAllowlistTest {
    final SignalAllowlist allowlist = new SignalAllowlist("http://127.0.0.1:9",
            List.of("http://127.0.0.1:9", "https://prom.example/api/prom"), List.of("Flags:8682", "worker:8684"));

    static SignalSpec prometheus(String url) {
        return new SignalSpec("p", SignalSource.PROMETHEUS, "up", url, "", "", NoDataPolicy.WAIT);
    }

    static SignalSpec health(String target) {
        return new SignalSpec("h", SignalSource.GRPC_HEALTH, "", "", target, "", NoDataPolicy.WAIT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "http://127.0.0.1:9", "http://127.0.0.1:9/", "HTTP://127.0.0.1:9/sub/path",
        "https://prom.example/api/prom", "https://PROM.example:443/api/prom/", "https://prom.example/api/prom/v2"})
    void urlsUnderAnAllowedPrefixMayBePulled(String url) {
        assertThat(allowlist.problem(prometheus(url))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:90",                 // a string prefix of the allowed one, another port
        "http://127.0.0.1:9123",
        "http://127.0.0.10:9",                 // a string prefix of the allowed host
        "https://127.0.0.1:9",                 // another scheme
        "http://localhost:9",                  // names are compared as written, not resolved
        "https://prom.example/api/prometheus", // a string prefix of the allowed path, another segment
        "https://prom.example/api",
        "http://prom.example/api/prom"})
    void urlsOutsideTheAllowedPrefixesAreRefused(String url) {
        assertThat(allowlist.problem(prometheus(url))).isEqualTo("url: '" + url + "' is not under an allowed signal URL"
                + " (ulidmesh.rollout.allowed-signal-urls)");
    }

    @Test
    void urlsThatAreNotPlainHttpAreRefusedWhateverTheList() {
        assertThat(SignalAllowlist.urlProblem("file:///etc/passwd")).isEqualTo("must be an http or https URL, not file:");
        assertThat(SignalAllowlist.urlProblem("gopher://127.0.0.1:9/")).isEqualTo("must be an http or https URL, not gopher:");
        assertThat(SignalAllowlist.urlProblem("/api/v1")).isEqualTo("must be an http or https URL");
        assertThat(SignalAllowlist.urlProblem("http://127.0.0.1:9@evil.example:80/"))
                .isEqualTo("must not carry user info (user:password@)");
        assertThat(SignalAllowlist.urlProblem("http://127.0.0.1:9/x?y=1")).isEqualTo("must not have a query or fragment");
        assertThat(SignalAllowlist.urlProblem("http://127.0.0.1:9/#x")).isEqualTo("must not have a query or fragment");
        assertThat(SignalAllowlist.urlProblem("http://127.0.0.1:9/a/../b"))
                .isEqualTo("must not have percent escapes or . and .. segments in its path");
        assertThat(SignalAllowlist.urlProblem("http://127.0.0.1:9/%2e%2e/b"))
                .isEqualTo("must not have percent escapes or . and .. segments in its path");
        assertThat(SignalAllowlist.urlProblem("http:///nohost")).isEqualTo("has no host");
        assertThat(SignalAllowlist.urlProblem("http://a b/")).isEqualTo("is not a URL");
        assertThat(SignalAllowlist.urlProblem("http://x/" + "a".repeat(2048))).isEqualTo("is longer than 2048 characters");
        assertThat(allowlist.problem(prometheus("file:///etc/passwd"))).isEqualTo("url: must be an http or https URL, not file:");
    }

    @Test
    void healthTargetsAreCompared() {
        assertThat(allowlist.problem(health("flags:8682"))).isNull();
        assertThat(allowlist.problem(health("WORKER:08684"))).isNull();
        assertThat(allowlist.problem(health("flags:8683"))).isEqualTo("target: 'flags:8683' is not an allowed health target"
                + " (ulidmesh.rollout.allowed-health-targets)");
        assertThat(allowlist.problem(health("169.254.169.254:80"))).contains("is not an allowed health target");
        assertThat(SignalAllowlist.targetProblem("host")).isEqualTo("is not host:port");
        assertThat(SignalAllowlist.targetProblem("a:b:1")).isEqualTo("is not host:port");
        assertThat(SignalAllowlist.targetProblem("host:0")).isEqualTo("is not host:port with a port in 1..65535");
        assertThat(SignalAllowlist.targetProblem("host:65536")).isEqualTo("is not host:port with a port in 1..65535");
        // push signals are never pulled
        assertThat(allowlist.problem(new SignalSpec("e", SignalSource.PUSH, "", "", "", "", NoDataPolicy.WAIT))).isNull();
    }

    @Test
    void theConfiguredPrometheusMustBeAllowedToo() {
        SignalAllowlist narrow = new SignalAllowlist("http://prometheus:9090", List.of("http://other:9090"), List.of());
        assertThat(narrow.problem(prometheus(""))).isEqualTo("url: none given, and the configured Prometheus"
                + " (ulidmesh.rollout.prometheus-url) is not under ulidmesh.rollout.allowed-signal-urls");
        assertThat(narrow.problem(prometheus("http://other:9090"))).isNull();
    }

    @Test
    void aBadSettingStopsTheServiceNamingIt() {
        assertThatThrownBy(() -> new SignalAllowlist("file:///etc", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ulidmesh.rollout.prometheus-url: 'file:///etc' must be an"
                        + " http or https URL, not file:");
        assertThatThrownBy(() -> new SignalAllowlist("http://p:9090", List.of("http://p:9090", "ftp://x"), List.of()))
                .hasMessage("ulidmesh.rollout.allowed-signal-urls: 'ftp://x' must be an http or https URL, not ftp:");
        assertThatThrownBy(() -> new SignalAllowlist("http://admin:s3cret@p:9090", List.of(), List.of()))
                .hasMessage("ulidmesh.rollout.prometheus-url: a URL must not carry user info (user:password@)")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> new SignalAllowlist("http://p:9090", List.of(), List.of("flags")))
                .hasMessage("ulidmesh.rollout.allowed-health-targets: 'flags' is not host:port");
    }

    @Test
    void aPlanFromARequestIsRefusedWithTheLineOfEachSourceOutsideTheList() {
        String yaml = """
                name: ssrf
                signals:
                  - { name: ok, source: prometheus, query: up }
                  - { name: meta, source: prometheus, query: up, url: "http://169.254.169.254/latest" }
                  - { name: local, source: prometheus, query: up, url: "file:///etc/passwd" }
                  - { name: ssh, source: grpc-health, target: "10.0.0.1:22" }
                  - { name: flags, source: grpc-health, target: "flags:8682" }
                phases: [ { name: a } ]
                """;
        assertThatThrownBy(() -> PlanParser.parse(yaml, allowlist)).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).startsWith("invalid plan (3 problems)").contains(
                    "line 4: signals[1].url: 'http://169.254.169.254/latest' is not under an allowed signal URL",
                    "line 5: signals[2].url: must be an http or https URL, not file:",
                    "line 6: signals[3].target: '10.0.0.1:22' is not an allowed health target");
        });
        // a stored plan is read as it was accepted; whether it may be pulled is asked separately
        Plan stored = PlanParser.stored(yaml);
        assertThat(allowlist.problems(stored)).containsExactly(
                "signals[1].url: 'http://169.254.169.254/latest' is not under an allowed signal URL (ulidmesh.rollout.allowed-signal-urls)",
                "signals[2].url: must be an http or https URL, not file:",
                "signals[3].target: '10.0.0.1:22' is not an allowed health target (ulidmesh.rollout.allowed-health-targets)");
    }
}
