package io.ulidmesh.migration.config;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.migration.config.MigrationConfig.TargetConfig;
import io.ulidmesh.migration.api.PrometheusQuery;
import io.ulidmesh.migration.domain.AutoThrottle;
import io.ulidmesh.migration.domain.Backfills;
import io.ulidmesh.migration.domain.LockRetry;
import io.ulidmesh.migration.domain.MigrationCatalog;
import io.ulidmesh.migration.domain.MigrationClaims;
import io.ulidmesh.migration.domain.MigrationListener;
import io.ulidmesh.migration.domain.MigrationRepository;
import io.ulidmesh.migration.domain.StepRunner;
import io.ulidmesh.migration.domain.Transitions;
import io.ulidmesh.migration.domain.Tuner;
import io.ulidmesh.migration.domain.target.PasswordVault;
import io.ulidmesh.migration.domain.target.TargetDatabases;
import io.ulidmesh.migration.domain.target.TargetPolicy;
import io.ulidmesh.migration.domain.target.TargetRegistry;
import io.ulidmesh.migration.domain.target.TargetRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/** Builds the domain from configuration and the store's ports; registers configured targets and resumes backfills at start. */
@ApplicationScoped
public class MigrationBeans {
    private static final Logger LOG = Logger.getLogger(MigrationBeans.class);

    @Produces
    @Singleton
    PasswordVault passwordVault(MigrationConfig config) {
        return new PasswordVault(config.secretKey().or(() -> config.secretKeyFile().map(MigrationBeans::read)));
    }

    @Produces
    @Singleton
    TargetPolicy targetPolicy(MigrationConfig config) {
        TargetPolicy policy = new TargetPolicy(config.allowedHosts().orElse(List.of()),
                config.allowedPaths().orElse(List.of(config.targetsDir())));
        LOG.infof("targets may reach PostgreSQL at %s (ulidmesh.migration.allowed-hosts) and files in %s (ulidmesh.migration.allowed-paths)",
                policy.allowedHosts().isEmpty() ? "no host" : policy.allowedHosts(), policy.allowedFolders());
        return policy;
    }

    @Produces
    @Singleton
    TargetRegistry targetRegistry(TargetRepository repository, TargetDatabases databases, PasswordVault vault, TargetPolicy policy) {
        return new TargetRegistry(repository, databases, vault, policy);
    }

    @Produces
    @Singleton
    Transitions transitions(MigrationRepository repository, MigrationListener listener) {
        return new Transitions(repository, listener);
    }

    @Produces
    @Singleton
    MigrationCatalog migrationCatalog(MigrationRepository repository, Transitions transitions, TargetRegistry targets) {
        return new MigrationCatalog(repository, transitions, targets);
    }

    @Produces
    @Singleton
    Backfills backfills(Transitions transitions, TargetRegistry targets, MigrationRepository repository, MigrationListener listener,
                        MigrationConfig config, MigrationClaims claims) {
        return new Backfills(transitions, targets, repository, listener, config.followInterval(), autoThrottle(config, listener), claims);
    }

    private static AutoThrottle autoThrottle(MigrationConfig config, MigrationListener listener) {
        MigrationConfig.AutoThrottleConfig c = config.autoThrottle();
        PrometheusQuery promql = c.prometheusUrl().isPresent() && c.promql().isPresent()
                ? new PrometheusQuery(c.prometheusUrl().get(), c.promql().get()) : null;
        AutoThrottle throttle = new AutoThrottle(promql, c.promqlLimit(), c.maxReplicationLag().orElse(null), c.checkInterval(), listener);
        if (throttle.enabled()) {
            LOG.infof("auto-throttle: backfills wait while %s%s%s", promql == null ? "" : "PromQL '" + c.promql().get() + "' > " + c.promqlLimit(),
                    promql != null && c.maxReplicationLag().isPresent() ? " or " : "",
                    c.maxReplicationLag().map(lag -> "the target's replication lag > " + lag).orElse(""));
        }
        return throttle;
    }

    @Produces
    @Singleton
    Tuner tuner(Transitions transitions, MigrationRepository repository, Backfills backfills, MigrationListener listener) {
        return new Tuner(transitions, repository, backfills, listener);
    }

    @Produces
    @Singleton
    StepRunner stepRunner(Transitions transitions, TargetRegistry targets, Backfills backfills, MigrationListener listener,
                          MigrationConfig config) {
        return new StepRunner(transitions, targets, backfills, listener, config.rowCountTolerancePercent(),
                new LockRetry(config.lockRetryBound(), listener));
    }

    /** Configured targets first: a resumed backfill may need one. */
    void start(@Observes StartupEvent event, MigrationConfig config, TargetRegistry targets, Backfills backfills) {
        Map<String, TargetConfig> configured = new TreeMap<>(config.targets());
        configured.forEach((name, target) -> targets.register(name, target.jdbcUrl(), target.username().orElse(""),
                target.password().orElse(""), "configuration"));
        if (!configured.isEmpty()) {
            LOG.infof("targets from configuration: %s", configured.keySet());
        }
        backfills.resumeInterrupted();
    }

    void stop(@Observes ShutdownEvent event, Backfills backfills) {
        backfills.shutdown();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read ulidmesh.migration.secret-key-file " + file + ": " + e.getMessage(), e);
        }
    }
}
