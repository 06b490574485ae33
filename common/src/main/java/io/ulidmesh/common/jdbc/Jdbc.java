package io.ulidmesh.common.jdbc;

import io.ulidmesh.common.error.DomainException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * How every service's store talks to its own PostgreSQL. No connection to be had is UNAVAILABLE; a
 * failure of the work itself is a {@link StoreFailure} whose SQLException cause
 * {@link io.ulidmesh.common.error.GrpcErrorMapping} turns into UNAVAILABLE (connection lost) or INTERNAL.
 */
public final class Jdbc {
    private static final Logger LOG = Logger.getLogger(Jdbc.class);
    private Jdbc() {
    }

    /** Work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        try (Connection c = connect(dataSource)) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /** Runs {@code work} on one auto-commit connection (single statements, reads). */
    public static <T> T withConnection(DataSource dataSource, Work<T> work) {
        try (Connection c = connect(dataSource)) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    private static Connection connect(DataSource dataSource) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            // The driver's text (host, port, role) stays in the log; the caller learns only what to do.
            LOG.warnf("no connection to the service's database: %s", e.getMessage());
            throw DomainException.unavailable("the service's database is unavailable; retry later", e);
        }
    }

    /** A database failure inside a store's work; carries the SQLException for the error mapping. */
    public static final class StoreFailure extends RuntimeException {
        StoreFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
