package io.ulidmesh.rollout.domain.plan;

/** Where a signal's values come from. */
public enum SignalSource {
    /** PromQL over a Prometheus server's HTTP API, pulled every interval. */
    PROMETHEUS("prometheus"),
    /** Pushed through ReportSignal and evaluated at once. */
    PUSH("push"),
    /** grpc.health.v1 of a service, pulled every interval: 1 when SERVING, else 0. */
    GRPC_HEALTH("grpc-health");

    private final String text;

    SignalSource(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static SignalSource of(String text) {
        for (SignalSource s : values()) {
            if (s.text.equals(text)) {
                return s;
            }
        }
        return null;
    }
}
