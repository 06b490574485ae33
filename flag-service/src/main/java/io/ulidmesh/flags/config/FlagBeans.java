package io.ulidmesh.flags.config;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.security.AgroalSecurityProvider;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.domain.FlagTable;
import io.ulidmesh.flags.domain.Flags;
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

    @Produces
    @Singleton
    Flags flags(AgroalDataSource dataSource) {
        return new Flags(new JdbcFlagRepository(dataSource), new FlagTable(), new ChangeFeed(0));
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
