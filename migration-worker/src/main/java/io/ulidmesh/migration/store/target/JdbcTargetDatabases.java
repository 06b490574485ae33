package io.ulidmesh.migration.store.target;

import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.migration.domain.target.TargetDatabase;
import io.ulidmesh.migration.domain.target.TargetDatabases;
import io.ulidmesh.migration.domain.target.TargetSession;
import io.ulidmesh.migration.domain.target.TargetSql;
import jakarta.enterprise.context.ApplicationScoped;
import io.ulidmesh.migration.config.MigrationConfig;
import java.sql.SQLException;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Target databases over JDBC: one dialect per engine, a fresh connection per session. */
@ApplicationScoped
public class JdbcTargetDatabases implements TargetDatabases {
    private static final Logger LOG = Logger.getLogger(JdbcTargetDatabases.class);

    private final Duration lockTimeout;

    JdbcTargetDatabases(MigrationConfig config) {
        this.lockTimeout = config.lockTimeout();
    }

    @Override
    public TargetSql sql(Engine engine) {
        return dialect(engine);
    }

    @Override
    public TargetSession open(TargetDatabase target, String password) {
        SqlDialect dialect = dialect(target.engine());
        try {
            return new JdbcTargetSession(target.name(), dialect, dialect.open(target.jdbcUrl(), target.username(), password),
                    lockTimeout);
        } catch (SQLException | RuntimeException e) {
            // One answer for every cause (no such file, not a database, port closed, role unknown), so a
            // caller learns nothing about hosts and files; the driver's reason goes to the log only.
            LOG.warnf("cannot connect to target %s: %s", target.name(), AuditText.escape(String.valueOf(e.getMessage())));
            throw DomainException.unavailable("cannot connect to target '" + target.name() + "'; the worker's log has the reason", e);
        }
    }

    private static SqlDialect dialect(Engine engine) {
        return switch (engine) {
            case POSTGRESQL -> PostgresDialect.INSTANCE;
            case SQLITE -> SqliteDialect.INSTANCE;
            case DUCKDB -> DuckDbDialect.INSTANCE;
        };
    }
}
