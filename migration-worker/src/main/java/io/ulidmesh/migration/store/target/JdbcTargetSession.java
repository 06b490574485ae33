package io.ulidmesh.migration.store.target;

import io.ulidmesh.migration.domain.target.KeyKind;
import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableInfo;
import io.ulidmesh.migration.domain.target.TableRef;
import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetSession;
import io.ulidmesh.migration.domain.target.TargetSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One JDBC connection to a target with its engine's dialect; the engine's SQLExceptions become
 * {@link TargetFailure}s that say what kind of failure it was in the worker's words (the engine's
 * text stays in the cause, for the log).
 */
final class JdbcTargetSession implements TargetSession {
    private static final Logger LOG = Logger.getLogger(JdbcTargetSession.class);

    private final String target;
    private final SqlDialect dialect;
    private final Connection connection;
    private final Duration lockTimeout;

    JdbcTargetSession(String target, SqlDialect dialect, Connection connection, Duration lockTimeout) {
        this.target = target;
        this.dialect = dialect;
        this.connection = connection;
        this.lockTimeout = lockTimeout;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> T call(Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new TargetFailure(TargetErrors.summary(e), e, TargetErrors.transience(e));
        }
    }

    @Override
    public TargetSql sql() {
        return dialect;
    }

    @Override
    public Optional<TableInfo> describe(String table) {
        return call(() -> dialect.describe(connection, table));
    }

    @Override
    public long countRows(TableRef t) {
        return call(() -> queryLongs(dialect.countRows(t))[0]);
    }

    @Override
    public RowCounts countProgress(TableRef t) {
        return call(() -> {
            long[] row = queryLongs(dialect.countProgress(t));
            return new RowCounts(row[0], row[1]);
        });
    }

    @Override
    public List<BatchRow> selectBatch(TableRef t, String afterKey, int limit) {
        return call(() -> {
            try (PreparedStatement select = connection.prepareStatement(dialect.selectBatch(t, afterKey != null))) {
                int p = 1;
                if (afterKey != null) {
                    select.setObject(p++, t.keyKind().parse(afterKey));
                }
                select.setInt(p, limit);
                List<BatchRow> rows = new ArrayList<>(limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        Object key = t.keyKind() == KeyKind.INTEGER ? (Object) rs.getLong(1) : rs.getString(1);
                        long millis = rs.getLong(2);
                        Long time = rs.wasNull() ? null : millis;
                        rows.add(new BatchRow(key, time, rs.getBoolean(3)));
                    }
                }
                return rows;
            }
        });
    }

    @Override
    public long countNullsBehind(TableRef t, String key) {
        return call(() -> {
            try (PreparedStatement ps = connection.prepareStatement(dialect.countNullsBehind(t))) {
                ps.setObject(1, t.keyKind().parse(key));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public int writeBatch(TableRef t, List<Object> keys, List<String> ulids) {
        return call(() -> {
            connection.setAutoCommit(false);
            try {
                int written = dialect.writeBatch(connection, t, keys, ulids);
                connection.commit();
                return written;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    @Override
    public UlidCounts countUlids(TableRef t) {
        return call(() -> {
            long[] counts = queryLongs(dialect.validateCounts(t));
            long duplicates = queryLongs(dialect.duplicates(t))[0];
            return new UlidCounts(counts[0], counts[1], counts[2], duplicates);
        });
    }

    @Override
    public List<String> legacyDependents(TableRef t) {
        return call(() -> dialect.legacyDependents(connection, t));
    }

    @Override
    public List<SqlGroup> repairs(TableRef t) {
        return call(() -> dialect.repairs(connection, t));
    }

    @Override
    public boolean everyRowArchived(TableRef t) {
        return call(() -> queryLongs(dialect.unarchivedRows(t))[0] == 0);
    }

    @Override
    public double replicationLagSeconds() {
        return call(() -> {
            Optional<String> sql = dialect.replicationLag();
            return sql.isEmpty() ? 0.0 : queryDouble(sql.get());
        });
    }

    private double queryDouble(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    @Override
    public List<String> lockHolders(TableRef t) {
        return call(() -> dialect.lockHolders(connection, t));
    }

    /** In one transaction when the group is transactional, else statement by statement in autocommit. */
    @Override
    public void run(SqlGroup group, Consumer<String> log) {
        call(() -> {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(!group.transactional());
            try (Statement statement = connection.createStatement()) {
                if (group.transactional()) {
                    for (String sql : dialect.lockTimeout(lockTimeout)) {
                        log.accept(sql);
                        statement.execute(sql);
                    }
                }
                for (String sql : group.sql()) {
                    log.accept(sql);
                    statement.execute(sql);
                }
                if (group.transactional()) {
                    connection.commit();
                }
            } catch (SQLException e) {
                if (group.transactional()) {
                    connection.rollback();
                }
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
            return null;
        });
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debugf("closing a connection to target %s failed: %s", target, e.getMessage());
        }
    }

    /** The first row of a query of numbers. */
    private long[] queryLongs(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            long[] row = new long[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getLong(i + 1);
            }
            return row;
        }
    }
}
