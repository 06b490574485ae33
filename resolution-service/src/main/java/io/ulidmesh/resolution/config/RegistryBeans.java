package io.ulidmesh.resolution.config;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.resolution.domain.GenerationListener;
import io.ulidmesh.resolution.domain.MonotonicUlidGenerator;
import io.ulidmesh.resolution.domain.Registry;
import io.ulidmesh.resolution.domain.RegistryListener;
import io.ulidmesh.resolution.metrics.ResolutionMetrics;
import io.ulidmesh.resolution.store.JdbcReferenceStore;
import io.ulidmesh.resolution.store.ReferencePartitions;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/** Wires the pure-Java registry to PostgreSQL, its settings and the metrics. */
@Singleton
public class RegistryBeans {
    private static final Logger LOG = Logger.getLogger(RegistryBeans.class);
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "registry-partition-maintenance");
        t.setDaemon(true);
        return t;
    });

    @Produces
    @Singleton
    Registry registry(DataSource dataSource, ResolutionConfig config, RegistryListener metrics, GenerationListener generation) {
        return new Registry(new JdbcReferenceStore(dataSource), new MonotonicUlidGenerator(Clock.systemUTC(), generation),
                config.cacheSize(), metrics);
    }

    /**
     * The size gauge starts from an exact count ({@link Registry#stats} reports it); bad settings stop
     * the start; the months ahead are partitioned before the first registration, then every six hours.
     */
    void onStart(@Observes StartupEvent start, Registry registry, ResolutionConfig config, DataSource dataSource,
                 ResolutionMetrics metrics) {
        if (config.maxListedErrors() < 1) {
            throw new IllegalStateException("ulidmesh.resolution.max-listed-errors is " + config.maxListedErrors()
                    + "; it must be at least 1");
        }
        if (config.partitionMonthsAhead() < 1) {
            throw new IllegalStateException("ulidmesh.resolution.partition-months-ahead is "
                    + config.partitionMonthsAhead() + "; it must be at least 1");
        }
        ReferencePartitions partitions = new ReferencePartitions(dataSource);
        Runnable maintain = () -> {
            ReferencePartitions.Pass pass = partitions.ensure(YearMonth.now(ZoneOffset.UTC), config.partitionMonthsAhead());
            metrics.partitioned(pass.created().size(), pass.skipped().size());
        };
        maintain.run();
        maintenance.scheduleAtFixedRate(() -> {
            try {
                maintain.run();
            } catch (RuntimeException e) {
                LOG.warnf("registry partition maintenance failed (%s); retrying in six hours", e.getMessage());
            }
        }, 6, 6, TimeUnit.HOURS);
        registry.stats();
    }

    void onStop(@Observes ShutdownEvent stop) {
        maintenance.shutdownNow();
    }
}
