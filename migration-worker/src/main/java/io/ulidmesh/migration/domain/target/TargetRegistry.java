package io.ulidmesh.migration.domain.target;

import io.ulidmesh.common.error.DomainException;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Registers targets and opens sessions on them; passwords go only through {@link PasswordVault}. */
public class TargetRegistry {
    private static final Logger LOG = Logger.getLogger(TargetRegistry.class);

    private final TargetRepository repository;
    private final TargetDatabases databases;
    private final PasswordVault vault;

    public TargetRegistry(TargetRepository repository, TargetDatabases databases, PasswordVault vault) {
        this.repository = repository;
        this.databases = databases;
        this.vault = vault;
    }

    public TargetDatabase register(String name, String jdbcUrl, String username, String password, String actor) {
        TargetName.check(name);
        Engine.ofUrl(jdbcUrl);
        if (jdbcUrl.toLowerCase(Locale.ROOT).contains("password=")) {
            // URLs are returned and logged; a password inside one would leak.
            throw DomainException.invalid("jdbc_url of target '" + name + "' carries a password parameter; give it in the password field");
        }
        String user = username == null ? "" : username;
        String secret = password == null ? "" : password;
        TargetDatabase target = new TargetDatabase(name, jdbcUrl, user, !secret.isEmpty());
        repository.upsert(target, vault.seal(name, secret));
        LOG.infof("target %s registered by %s: %s as '%s', password %s", name, actor, jdbcUrl, user,
                secret.isEmpty() ? "none" : vault.persistent() ? "stored encrypted" : "kept in memory only");
        return target;
    }

    public List<TargetDatabase> list() {
        return repository.list();
    }

    /** The SQL of a registered target's engine, without connecting. */
    public TargetSql sqlOf(String name) {
        return databases.sql(stored(name).target().engine());
    }

    public TargetSession open(String name) {
        StoredTarget stored = stored(name);
        TargetDatabase target = stored.target();
        return databases.open(target, vault.open(name, target.hasPassword(), stored.sealedPassword()));
    }

    private StoredTarget stored(String name) {
        return repository.find(name).orElseThrow(() ->
                DomainException.failedPrecondition("target '" + name + "' is not registered; call RegisterTarget first"));
    }
}
