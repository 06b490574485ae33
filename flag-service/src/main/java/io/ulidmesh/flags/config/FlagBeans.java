package io.ulidmesh.flags.config;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.flags.domain.FlagTable;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.flags.domain.Snapshot;
import io.ulidmesh.flags.store.ChangeListener;
import io.ulidmesh.flags.store.JdbcFlagRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Wires the pure domain to the store: loads this replica's flag table and starts the change
 * listener at startup, once Flyway has migrated the schema.
 */
@ApplicationScoped
public class FlagBeans {
    private final FlagTable table = new FlagTable();
    private final JdbcFlagRepository repository;
    private final ChangeFeed feed;
    private final ChangeListener listener;

    FlagBeans(JdbcFlagRepository repository,
              @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
              @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
              @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
              @ConfigProperty(name = "ulidmesh.flags.poll-interval-ms", defaultValue = "1000") int pollMillis) {
        this.repository = repository;
        this.feed = new ChangeFeed(0);
        this.listener = new ChangeListener(url, user.orElse(""), password.orElse(""), repository, table, feed, pollMillis);
    }

    /** First of the startup observers, so that the table is loaded before anything reads it. */
    void start(@Observes @Priority(1) StartupEvent startup) {
        Snapshot snapshot = repository.snapshot();
        snapshot.flags().forEach(table::apply);
        feed.startAt(snapshot.head());
        listener.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        listener.stop();
    }

    @Produces
    @Singleton
    Flags flags() {
        return new Flags(repository, table, feed);
    }

    @Produces
    @Singleton
    ChangeFeed feed() {
        return feed;
    }
}
