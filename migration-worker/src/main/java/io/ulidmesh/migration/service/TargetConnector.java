package io.ulidmesh.migration.service;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.migration.config.PasswordVault;
import io.ulidmesh.migration.dialect.Dialect;
import io.ulidmesh.migration.dialect.Engine;
import io.ulidmesh.migration.domain.Target;
import io.ulidmesh.migration.domain.TargetName;
import io.ulidmesh.migration.store.TargetStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jboss.logging.Logger;

/** Registers targets and opens connections to them; passwords go only through {@link PasswordVault}. */
@ApplicationScoped
public class TargetConnector {
    private static final Logger LOG = Logger.getLogger(TargetConnector.class);

    /** An open connection to a target with its dialect. */
    public record Session(Target target, Dialect dialect, Connection connection) implements AutoCloseable {
        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debugf("closing a connection to target %s failed: %s", target.name(), e.getMessage());
            }
        }
    }

    private final TargetStore store;
    private final PasswordVault vault;

    TargetConnector(TargetStore store, PasswordVault vault) {
        this.store = store;
        this.vault = vault;
    }

    public Target register(String name, String jdbcUrl, String username, String password, String actor) {
        TargetName.check(name);
        Engine.ofUrl(jdbcUrl);
        if (jdbcUrl.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            // URLs are returned and logged; a password inside one would leak.
            throw DomainException.invalid("jdbc_url of target '" + name + "' carries a password parameter; give it in the password field");
        }
        String user = username == null ? "" : username;
        String secret = password == null ? "" : password;
        Target target = new Target(name, jdbcUrl, user, !secret.isEmpty());
        store.upsert(target, vault.seal(name, secret));
        LOG.infof("target %s registered by %s: %s as '%s', password %s", name, actor, jdbcUrl, user,
                secret.isEmpty() ? "none" : vault.persistent() ? "stored encrypted" : "kept in memory only");
        return target;
    }

    public List<Target> list() {
        return store.list();
    }

    public Target find(String name) {
        return store.find(name).map(TargetStore.Row::target).orElseThrow(() ->
                DomainException.failedPrecondition("target '" + name + "' is not registered; call RegisterTarget first"));
    }

    /** The dialect of a registered target, without connecting. */
    public Dialect dialectOf(String name) {
        return Engine.ofUrl(find(name).jdbcUrl()).dialect();
    }

    public Session open(String name) {
        TargetStore.Row row = store.find(name).orElseThrow(() ->
                DomainException.failedPrecondition("target '" + name + "' is not registered; call RegisterTarget first"));
        Target target = row.target();
        Dialect dialect = Engine.ofUrl(target.jdbcUrl()).dialect();
        String password = vault.open(name, target.hasPassword(), row.encryptedPassword());
        try {
            return new Session(target, dialect, dialect.open(target.jdbcUrl(), target.username(), password));
        } catch (SQLException e) {
            throw DomainException.unavailable("target '" + name + "' cannot be reached: " + e.getMessage(), e);
        }
    }
}
