package io.ulidmesh.resolution.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.resolution.domain.MonotonicUlidGenerator;
import io.ulidmesh.resolution.domain.Registry;
import io.ulidmesh.resolution.store.JdbcReferenceStore;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the pure-Java registry to PostgreSQL and Micrometer. */
@Singleton
public class RegistryConfig {

    @Produces
    @Singleton
    RegistryMetrics metrics(MeterRegistry meters) {
        return new RegistryMetrics(meters);
    }

    @Produces
    @Singleton
    Registry registry(DataSource dataSource, RegistryMetrics metrics,
                      @ConfigProperty(name = "ulidmesh.resolution.cache-size", defaultValue = "1000000") long cacheSize) {
        return new Registry(new JdbcReferenceStore(dataSource), new MonotonicUlidGenerator(Clock.systemUTC()),
                cacheSize, metrics);
    }

    /** The size gauge starts from an exact count. */
    void onStart(@Observes StartupEvent start, Registry registry, RegistryMetrics metrics) {
        metrics.references(registry.stats().references());
    }
}
