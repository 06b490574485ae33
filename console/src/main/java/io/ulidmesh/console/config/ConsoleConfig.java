package io.ulidmesh.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code ulidmesh.console.*}: where the four services are, and how long a session lasts. */
@ConfigMapping(prefix = "ulidmesh.console")
public interface ConsoleConfig {
    /** resolution-service, HOST:PORT. */
    @WithDefault("localhost:8681")
    String resolutionService();

    /** flag-service, HOST:PORT. */
    @WithDefault("localhost:8682")
    String flagService();

    /** rollout-controller, HOST:PORT (its /q/metrics on the same port gives signal values). */
    @WithDefault("localhost:8683")
    String rolloutController();

    /** migration-worker, HOST:PORT. */
    @WithDefault("localhost:8684")
    String migrationWorker();

    /** How long a unary call to a service may take. */
    @WithDefault("10s")
    Duration callTimeout();

    /** A session ends after this long, or when its token expires, whichever is first. */
    @WithDefault("8h")
    Duration sessionLifetime();

    /** At most this many sessions are kept; the oldest goes first. */
    @WithDefault("10000")
    int maxSessions();

    /** How often the open detail pages' signal charts read the controller's gauges. */
    @WithDefault("2s")
    Duration signalInterval();

    /** Mark the session cookie Secure (set when the console is served over HTTPS, directly or behind a proxy). */
    @WithDefault("false")
    boolean secureCookie();
}
