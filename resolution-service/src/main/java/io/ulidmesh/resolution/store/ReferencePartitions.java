package io.ulidmesh.resolution.store;

import io.ulidmesh.common.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Keeps the registry's monthly partitions (V3) created ahead of time, so new ULIDs never land in
 * the default partition. A month whose range already has rows in the default partition (ULIDs
 * minted far ahead of the clock) is skipped rather than moved: those rows stay correct, only
 * unpartitioned, and the skip is reported.
 */
public final class ReferencePartitions {
    private static final Logger LOG = Logger.getLogger(ReferencePartitions.class);
    /** Replicas maintain the partitions one at a time (arbitrary constant: "refpart"). */
    private static final long MAINTENANCE_LOCK = 0x72656670617274L;
    private static final String CHECK_VIOLATION = "23514";

    /** What one pass did, month names as {@code yYYYYmMM}. */
    public record Pass(List<String> created, List<String> skipped) {
    }

    private final DataSource dataSource;

    public ReferencePartitions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the partitions of {@code from} and the {@code monthsAhead} months after it that do not exist yet. */
    public Pass ensure(YearMonth from, int monthsAhead) {
        List<String> created = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Jdbc.withConnection(dataSource, c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, MAINTENANCE_LOCK);
                lock.execute();
            }
            try {
                List<String> existing = partitions(c);
                for (int i = 0; i <= monthsAhead; i++) {
                    YearMonth month = from.plusMonths(i);
                    String name = name(month);
                    if (!existing.contains("reference_" + name)) {
                        (create(c, month) ? created : skipped).add(name);
                    }
                }
            } finally {
                try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, MAINTENANCE_LOCK);
                    unlock.execute();
                }
            }
            return null;
        });
        return new Pass(created, skipped);
    }

    /** Every partition of {@code reference}, by name. */
    public List<String> partitions() {
        return Jdbc.withConnection(dataSource, ReferencePartitions::partitions);
    }

    private static List<String> partitions(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'reference'::regclass ORDER BY 1")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }

    /** False when the default partition already holds rows of that month (PostgreSQL refuses the partition). */
    private static boolean create(Connection c, YearMonth month) throws SQLException {
        String sql = "CREATE TABLE reference_" + name(month) + " PARTITION OF reference FOR VALUES FROM (ulid_floor('"
                + month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC) + "')) TO (ulid_floor('"
                + month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC) + "'))";
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            LOG.infof("registry partition reference_%s created", name(month));
            return true;
        } catch (SQLException e) {
            if (!CHECK_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            LOG.warnf("registry partition reference_%s not created: the default partition already holds ULIDs of "
                    + "that month, which stay there", name(month));
            return false;
        }
    }

    static String name(YearMonth month) {
        return String.format("y%04dm%02d", month.getYear(), month.getMonthValue());
    }
}
