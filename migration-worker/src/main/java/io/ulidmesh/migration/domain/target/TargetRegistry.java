package io.ulidmesh.migration.domain.target;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.text.InputText;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Registers targets and opens sessions on them; passwords go only through {@link PasswordVault}.
 * Every URL passes {@link TargetPolicy} when registered and again before each connection, so a
 * target stored before the policy tightened, or a link swapped since, reaches nothing it may not.
 */
public class TargetRegistry {
    private static final Logger LOG = Logger.getLogger(TargetRegistry.class);

    private final TargetRepository repository;
    private final TargetDatabases databases;
    private final PasswordVault vault;
    private final TargetPolicy policy;

    public TargetRegistry(TargetRepository repository, TargetDatabases databases, PasswordVault vault, TargetPolicy policy) {
        this.repository = repository;
        this.databases = databases;
        this.vault = vault;
        this.policy = policy;
    }

    /** Everything is checked before anything is stored: a refused registration changes nothing. */
    public TargetDatabase register(String name, String jdbcUrl, String username, String password, String actor) {
        TargetName.check(name);
        policy.check(name, jdbcUrl);
        // The user name is logged; the password only must not be cut short by a NUL on its way to the driver.
        String user = username == null ? "" : InputText.plain("username", username);
        String secret = password == null ? "" : InputText.withoutNul("password", password);
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
        try {
            policy.check(name, target.jdbcUrl());
        } catch (DomainException refused) {
            throw DomainException.failedPrecondition("target '" + name + "' may not be used: " + refused.getMessage()
                    + "; register it again with an allowed jdbc_url");
        }
        return databases.open(target, vault.open(name, target.hasPassword(), stored.sealedPassword()));
    }

    private StoredTarget stored(String name) {
        return repository.find(name).orElseThrow(() ->
                DomainException.failedPrecondition("target '" + name + "' is not registered; call RegisterTarget first"));
    }
}
