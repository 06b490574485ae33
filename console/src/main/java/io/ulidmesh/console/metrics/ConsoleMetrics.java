package io.ulidmesh.console.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;

/** The console's meters: sign-ins, actions by outcome, refusals, live streams open. */
@ApplicationScoped
public class ConsoleMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger liveStreams = new AtomicInteger();

    @Inject
    public ConsoleMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("ulidmesh_console_live_streams", liveStreams);
    }

    /** A sign-in: {@code via} token or oidc, {@code outcome} ok or refused. */
    public void signIn(String via, String outcome) {
        Counter.builder("ulidmesh_console_sign_ins_total").tags(Tags.of("via", via, "outcome", outcome)).register(registry).increment();
    }

    /** An action sent to a service: {@code action} from a fixed list, {@code outcome} ok or the status code. */
    public void action(String action, String outcome) {
        Counter.builder("ulidmesh_console_actions_total").tags(Tags.of("action", action, "outcome", outcome)).register(registry).increment();
    }

    /** A request the console itself refused: csrf or role. */
    public void refused(String why) {
        Counter.builder("ulidmesh_console_refused_total").tag("why", why).register(registry).increment();
    }

    public void streamOpened() {
        liveStreams.incrementAndGet();
    }

    public void streamClosed() {
        liveStreams.decrementAndGet();
    }
}
