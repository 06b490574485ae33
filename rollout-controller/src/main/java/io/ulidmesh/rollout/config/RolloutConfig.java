package io.ulidmesh.rollout.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the controller ({@code ulidmesh.rollout.*}). */
@ConfigMapping(prefix = "ulidmesh.rollout")
public interface RolloutConfig {
    /** host:port of the flag service. */
    @WithDefault("localhost:8682")
    String flagService();

    /** host:port of the migration worker. */
    @WithDefault("localhost:8684")
    String migrationWorker();

    /** Base URL of the Prometheus server that prometheus signals without their own url query. */
    @WithDefault("http://localhost:9090")
    String prometheusUrl();

    /**
     * URL prefixes (scheme, host, port, path) a prometheus signal may query, the configured
     * Prometheus included; nothing else is ever requested. Default: the configured Prometheus.
     */
    @WithDefault("${ulidmesh.rollout.prometheus-url}")
    List<String> allowedSignalUrls();

    /** host:port a grpc-health signal may check. Default: the flag service and the migration worker. */
    @WithDefault("${ulidmesh.rollout.flag-service},${ulidmesh.rollout.migration-worker}")
    List<String> allowedHealthTargets();

    /**
     * Base URL of the Alertmanager whose active alerts GetDeploymentHealth reports (its API v2);
     * unset: the report has no alerts.
     */
    Optional<String> alertmanagerUrl();

    /**
     * URL prefixes (scheme, host, port, path) a plan's notification webhooks must be under; none:
     * plans may name no webhook (the configured defaults are trusted).
     */
    Optional<List<String>> allowedWebhookUrls();

    /** Notifications of rollout events (issue 13). */
    Notifications notifications();

    interface Notifications {
        /** Webhooks that get every rollout's events, besides those its plan names. */
        Optional<List<String>> defaultWebhooks();

        /** The events they get; default all. */
        Optional<List<String>> defaultEvents();

        /** json or slack. */
        @WithDefault("json")
        String defaultFormat();

        /** The environment variable holding their HMAC secret; unset: unsigned. */
        Optional<String> defaultSecretEnv();

        /** The wait after a first failed delivery; it doubles after each failure up to {@link #maxRetry}. */
        @WithDefault("500ms")
        Duration firstRetry();

        @WithDefault("1m")
        Duration maxRetry();
    }

    /** How often the engine looks at active rollouts. */
    @WithDefault("100ms")
    Duration tick();

    /** How often a standby tries to take the leadership lock. */
    @WithDefault("1s")
    Duration leaderRetry();

    /** Deadline of each call to a peer service or Prometheus. */
    @WithDefault("5s")
    Duration peerTimeout();

    /** Key of the PostgreSQL advisory lock that makes one controller active. */
    @WithDefault("8683")
    long lockKey();

    /**
     * The connection that holds the leadership lock: the service's own database, but a connection
     * of its own outside the pool, so only the end of this process frees the lock.
     */
    LockConnection lockConnection();

    interface LockConnection {
        @WithDefault("${quarkus.datasource.jdbc.url}")
        String jdbcUrl();

        @WithDefault("${quarkus.datasource.username:}")
        Optional<String> username();

        @WithDefault("${quarkus.datasource.password:}")
        Optional<String> password();
    }
}
