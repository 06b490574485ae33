package io.ulidmesh.flags.config;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.security.AgroalSecurityProvider;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.domain.FlagTable;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.InProcessAgreement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import io.ulidmesh.flags.store.ChangeListener;
import io.ulidmesh.flags.store.JdbcFlagRepository;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Wires the pure domain to the store: loads this replica's flag table and starts the change
 * listener at startup, once Flyway has migrated the schema.
 */
@Singleton
public class FlagBeans {
    private static final Logger LOG = Logger.getLogger(FlagBeans.class);

    @Produces
    @Singleton
    Flags flags(AgroalDataSource dataSource, FlagConfig config, MeterRegistry registry) {
        Counter warned = Counter.builder("ulidmesh.flag.in_process_inexact")
                .description("Writes of a percentage flagd in-process providers pick other entities for").register(registry);
        InProcessAgreement inProcess = new InProcessAgreement(config.sync().inexactPercentages(),
                Pattern.compile(config.sync().inProcessFlags()), message -> {
                    LOG.warn(message);
                    warned.increment();
                });
        return new Flags(new JdbcFlagRepository(dataSource), new FlagTable(), new ChangeFeed(0), inProcess);
    }

    @Produces
    @Singleton
    ChangeListener listener(AgroalDataSource dataSource, Flags flags, FlagConfig config) {
        AgroalConnectionFactoryConfiguration factory =
                dataSource.getConfiguration().connectionPoolConfiguration().connectionFactoryConfiguration();
        String url = factory.jdbcUrl();
        Properties properties = connectionProperties(factory);
        return new ChangeListener(() -> DriverManager.getConnection(url, properties), flags, config.pollIntervalMs());
    }

    /** First of the startup observers, so that the table is loaded before anything reads it. */
    void start(@Observes @Priority(1) StartupEvent startup, Flags flags, ChangeListener listener) {
        flags.load();
        listener.start();
    }

    void stop(@Observes ShutdownEvent shutdown, ChangeListener listener) {
        listener.stop();
    }

    /**
     * The pool's own connection properties and credentials, turned into JDBC properties by its
     * security providers as the pool itself does, so the listener logs in exactly like the pool.
     */
    private static Properties connectionProperties(AgroalConnectionFactoryConfiguration factory) {
        Properties properties = new Properties();
        properties.putAll(factory.jdbcProperties());
        List<Object> secrets = new ArrayList<>(factory.credentials());
        if (factory.principal() != null) {
            secrets.add(0, factory.principal());
        }
        for (Object secret : secrets) {
            for (AgroalSecurityProvider provider : factory.securityProviders()) {
                Properties fromSecret = provider.getSecurityProperties(secret);
                if (fromSecret != null) {
                    properties.putAll(fromSecret);
                    break;
                }
            }
        }
        properties.setProperty("ApplicationName", "flag-service change listener");
        return properties;
    }
}
