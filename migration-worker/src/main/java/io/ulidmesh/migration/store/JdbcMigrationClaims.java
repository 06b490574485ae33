package io.ulidmesh.migration.store;

import io.ulidmesh.common.ulid.Ulids;
import io.ulidmesh.migration.domain.MigrationClaims;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Claims as PostgreSQL session advisory locks in the worker's database, on a connection held while
 * the claim is: a worker that dies (kill -9 included) loses its connection, and with it the claim,
 * so another replica can take over. The lock key is the migration id's 128 bits folded to 64.
 */
@ApplicationScoped
public class JdbcMigrationClaims implements MigrationClaims {
    private static final Logger LOG = Logger.getLogger(JdbcMigrationClaims.class);

    private final DataSource dataSource;

    JdbcMigrationClaims(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<Claim> tryClaim(String id) {
        UUID uuid = Ulids.toUuid(Ulids.parse("id", id));
        long key = uuid.getMostSignificantBits() ^ uuid.getLeastSignificantBits();
        Connection c = null;
        try {
            c = dataSource.getConnection();
            boolean claimed;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    claimed = rs.getBoolean(1);
                }
            }
            if (!claimed) {
                c.close();
                return Optional.empty();
            }
            Connection held = c;
            return Optional.of(() -> release(held, key, id));
        } catch (SQLException e) {
            LOG.warnf("claiming migration %s failed: %s", id, e.getMessage());
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the claim was not taken
                }
            }
            return Optional.empty();
        }
    }

    private static void release(Connection c, long key, String id) {
        try (c; PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.executeQuery().close();
        } catch (SQLException e) {
            LOG.debugf("releasing the claim on migration %s: %s", id, e.getMessage());
        }
    }
}
