package io.ulidmesh.migration.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the worker reads from configuration besides Quarkus's own keys. */
@ConfigMapping(prefix = "ulidmesh.migration")
public interface MigrationConfig {
    /**
     * Base64 of a 16/24/32-byte AES key that seals target passwords in the worker's database;
     * without it they are kept in memory only.
     */
    Optional<String> secretKey();

    /** A file holding the secret key (a mounted Kubernetes or compose secret); used when secret-key is unset. */
    Optional<Path> secretKeyFile();

    /**
     * How often the worker gives rows appended to a backfilled table their ULIDs on engines without
     * triggers (DuckDB), until Contract.
     */
    @WithDefault("PT1S")
    Duration followInterval();

    /**
     * How long each PostgreSQL DDL transaction waits for its table lock before giving up (and being
     * retried): the application's writes queue behind a waiting DDL at most this long.
     */
    @WithDefault("PT0.5S")
    Duration lockTimeout();

    /**
     * How long a step retries DDL that did not get its lock (exponential backoff with jitter) before
     * the migration fails naming the sessions that hold the lock.
     */
    @WithDefault("PT1M")
    Duration lockRetryBound();

    /** Holding backfills back while the database is under strain (docs/migrations.md, "Auto-throttle"). */
    AutoThrottleConfig autoThrottle();

    interface AutoThrottleConfig {
        /** Prometheus's base URL, e.g. http://prometheus:9090; with {@link #promql} it turns the PromQL signal on. */
        Optional<URI> prometheusUrl();

        /** The expression (e.g. replication lag in seconds); backfills wait while its largest value is over {@link #promqlLimit}. */
        Optional<String> promql();

        @WithDefault("0")
        double promqlLimit();

        /** Backfills on a PostgreSQL target wait while its replicas' replay lag (pg_stat_replication) is over this. */
        Optional<Duration> maxReplicationLag();

        /** How often the signals are read while a backfill runs, and the step in which it waits. */
        @WithDefault("PT1S")
        Duration checkInterval();
    }

    /** Validate passes while the row count is at most this many percent below the Expand baseline. */
    @WithDefault("0.01")
    double rowCountTolerancePercent();

    /**
     * Hosts PostgreSQL targets may name, each {@code host} (any port) or {@code host:port}, compared
     * as written; none by default, so no PostgreSQL target until the operator names its server.
     */
    Optional<List<String>> allowedHosts();

    /** Folders SQLite and DuckDB target files must lie in (links resolved); default: {@link #targetsDir()}. */
    Optional<List<Path>> allowedPaths();

    /** The worker's folder of target files, relative to the working directory unless absolute. */
    @WithDefault("targets")
    Path targetsDir();

    /**
     * Targets registered at every start: {@code ulidmesh.migration.targets.<name>.jdbc-url}, or as
     * environment variables {@code ULIDMESH_MIGRATION_TARGETS_<NAME>_JDBC_URL}.
     */
    Map<String, TargetConfig> targets();

    interface TargetConfig {
        String jdbcUrl();

        Optional<String> username();

        /** Given this way a password works after a restart even without a secret key. */
        Optional<String> password();
    }
}
