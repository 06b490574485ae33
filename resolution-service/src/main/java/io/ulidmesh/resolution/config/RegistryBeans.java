package io.ulidmesh.resolution.config;

import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.resolution.domain.GenerationListener;
import io.ulidmesh.resolution.domain.MonotonicUlidGenerator;
import io.ulidmesh.resolution.domain.Registry;
import io.ulidmesh.resolution.domain.RegistryListener;
import io.ulidmesh.resolution.store.JdbcReferenceStore;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import javax.sql.DataSource;

/** Wires the pure-Java registry to PostgreSQL, its settings and the metrics. */
@Singleton
public class RegistryBeans {

    @Produces
    @Singleton
    Registry registry(DataSource dataSource, ResolutionConfig config, RegistryListener metrics, GenerationListener generation) {
        return new Registry(new JdbcReferenceStore(dataSource), new MonotonicUlidGenerator(Clock.systemUTC(), generation),
                config.cacheSize(), metrics);
    }

    /** The size gauge starts from an exact count ({@link Registry#stats} reports it); bad settings stop the start. */
    void onStart(@Observes StartupEvent start, Registry registry, ResolutionConfig config) {
        if (config.maxListedErrors() < 1) {
            throw new IllegalStateException("ulidmesh.resolution.max-listed-errors is " + config.maxListedErrors()
                    + "; it must be at least 1");
        }
        registry.stats();
    }
}
