package io.ulidmesh.flags.store;

import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.jdbc.Jdbc;
import io.ulidmesh.flags.domain.ChangeType;
import io.ulidmesh.flags.domain.Commit;
import io.ulidmesh.flags.domain.FlagRepository;
import io.ulidmesh.flags.domain.FlagRules;
import io.ulidmesh.flags.domain.FlagState;
import io.ulidmesh.flags.domain.RecordedChange;
import io.ulidmesh.flags.domain.SetFlagCommand;
import io.ulidmesh.flags.domain.Snapshot;
import io.ulidmesh.flags.domain.Written;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/** Flags and their append-only history in PostgreSQL; every change also NOTIFYs {@value #CHANNEL}. */
public final class JdbcFlagRepository implements FlagRepository {
    /** The NOTIFY channel every replica LISTENs on; the payload is the new revision. */
    public static final String CHANNEL = "ulidmesh_flag_changes";
    private static final Logger LOG = Logger.getLogger(JdbcFlagRepository.class);
    /** Serialises writers so revisions commit in sequence order (arbitrary constant: "flag"). */
    private static final long WRITE_LOCK = 0x666c6167L;
    private static final String FLAG_COLUMNS = "name, description, basis_points, cohort, version, updated_at, updated_by, ";
    private static final String CHANGE_COLUMNS = "c.revision, c.type, c.name, c.description, c.basis_points, c.cohort, "
            + "c.version, c.updated_at, c.updated_by, c.flag_reason, c.at, c.actor, c.reason";

    private final DataSource dataSource;

    public JdbcFlagRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Written set(List<SetFlagCommand> commands, String actor) {
        return Jdbc.inTransaction(dataSource, c -> {
            lockWrites(c);
            Instant now = now();
            List<FlagState> flags = new ArrayList<>(commands.size());
            List<Pending> pending = new ArrayList<>();
            // Every expected version is checked before anything is written: a CONFLICT on the last
            // flag rolls the whole transaction back, and nothing changed.
            for (SetFlagCommand command : commands) {
                Current current = current(c, command.name());
                FlagState before = current == null ? null : current.flag();
                long lastVersion = before != null ? before.version() : lastVersion(c, command.name());
                FlagState after = command.applyTo(before, lastVersion, now, actor);
                flags.add(after == null ? before : after);
                if (after != before) {
                    pending.add(new Pending(command, current, after));
                }
            }
            if (pending.isEmpty()) {
                return new Written(flags, null);
            }
            long revision = nextRevision(c);
            List<RecordedChange> changes = new ArrayList<>(pending.size());
            for (Pending p : pending) {
                if (p.after() == null) {
                    changes.add(deleteFlag(c, revision, p.current(), now, actor, p.command().reason()));
                    continue;
                }
                insertChange(c, revision, ChangeType.UPSERTED, p.after(),
                        p.current() == null ? null : p.current().revision(), now, actor, p.command().reason());
                upsert(c, p.after(), revision);
                changes.add(new RecordedChange(revision, ChangeType.UPSERTED, p.after(),
                        p.current() == null ? null : p.current().flag(), now, actor, p.command().reason()));
                LOG.infof("flag %s set to %d bp (cohort %s) version %d revision %d by %s: %s", p.after().name(),
                        p.after().basisPoints(), p.after().cohort(), p.after().version(), revision,
                        AuditText.escape(actor), AuditText.escape(p.command().reason()));
            }
            notify(c, revision);
            return new Written(flags, new Commit(revision, changes));
        });
    }

    /** {@code after} is null for a delete. */
    private record Pending(SetFlagCommand command, Current current, FlagState after) {
    }

    private static void upsert(Connection c, FlagState flag, long revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO flag (" + FLAG_COLUMNS + "reason, revision) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET description = excluded.description, "
                + "basis_points = excluded.basis_points, cohort = excluded.cohort, version = excluded.version, "
                + "updated_at = excluded.updated_at, updated_by = excluded.updated_by, reason = excluded.reason, "
                + "revision = excluded.revision")) {
            bindFlag(ps, 1, flag);
            ps.setLong(9, revision);
            ps.executeUpdate();
        }
    }

    @Override
    public RecordedChange delete(String name, long expectedVersion, String reason, String actor) {
        return Jdbc.inTransaction(dataSource, c -> {
            lockWrites(c);
            Current current = current(c, name);
            if (current == null) {
                throw DomainException.notFound("flag '" + name + "' does not exist");
            }
            FlagRules.checkExpectedVersion(name, expectedVersion, current.flag());
            long revision = nextRevision(c);
            RecordedChange change = deleteFlag(c, revision, current, now(), actor, reason);
            notify(c, revision);
            return change;
        });
    }

    /** Deletes the flag's row and records its last state as a DELETED change of {@code revision}. */
    private static RecordedChange deleteFlag(Connection c, long revision, Current current, Instant now, String actor,
                                             String reason) throws SQLException {
        FlagState flag = current.flag();
        insertChange(c, revision, ChangeType.DELETED, flag, current.revision(), now, actor, reason);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM flag WHERE name = ?")) {
            ps.setString(1, flag.name());
            ps.executeUpdate();
        }
        LOG.infof("flag %s deleted at version %d revision %d by %s: %s", flag.name(), flag.version(), revision,
                AuditText.escape(actor), AuditText.escape(reason));
        return new RecordedChange(revision, ChangeType.DELETED, flag, flag, now, actor, reason);
    }

    @Override
    public Optional<FlagState> find(String name) {
        return Jdbc.inTransaction(dataSource, c -> Optional.ofNullable(current(c, name)).map(Current::flag));
    }

    @Override
    public List<FlagState> list(String afterName, int limit) {
        return Jdbc.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FLAG_COLUMNS + "reason, revision FROM flag "
                    + "WHERE name > ? ORDER BY name LIMIT ?")) {
                ps.setString(1, afterName);
                ps.setInt(2, limit);
                List<FlagState> flags = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        flags.add(flag(rs, 1));
                    }
                }
                return flags;
            }
        });
    }

    @Override
    public List<RecordedChange> history(String name, long beforeRevision, int limit) {
        return Jdbc.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + CHANGE_COLUMNS + ", "
                    + "p.name, p.description, p.basis_points, p.cohort, p.version, p.updated_at, p.updated_by, p.flag_reason "
                    + "FROM flag_change c LEFT JOIN flag_change p ON p.revision = c.previous_revision AND p.name = c.name "
                    + "WHERE c.name = ? AND c.revision < ? ORDER BY c.revision DESC LIMIT ?")) {
                ps.setString(1, name);
                ps.setLong(2, beforeRevision);
                ps.setInt(3, limit);
                List<RecordedChange> changes = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        FlagState before = rs.getString(14) == null ? null : flag(rs, 14);
                        changes.add(change(rs, before));
                    }
                }
                return changes;
            }
        });
    }

    @Override
    public List<Commit> commitsAfter(long afterRevision, int limit) {
        return Jdbc.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + CHANGE_COLUMNS + " FROM flag_change c "
                    + "WHERE c.revision > ? AND c.revision <= (SELECT max(revision) FROM (SELECT DISTINCT revision "
                    + "FROM flag_change WHERE revision > ? ORDER BY revision LIMIT ?) page) "
                    + "ORDER BY c.revision, c.name")) {
                ps.setLong(1, afterRevision);
                ps.setLong(2, afterRevision);
                ps.setInt(3, limit);
                List<Commit> commits = new ArrayList<>();
                List<RecordedChange> changes = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RecordedChange change = change(rs, null);
                        if (!changes.isEmpty() && changes.get(0).revision() != change.revision()) {
                            commits.add(new Commit(changes.get(0).revision(), changes));
                            changes.clear();
                        }
                        changes.add(change);
                    }
                }
                if (!changes.isEmpty()) {
                    commits.add(new Commit(changes.get(0).revision(), changes));
                }
                return commits;
            }
        });
    }

    @Override
    public Snapshot snapshot() {
        return Jdbc.inTransaction(dataSource, c -> {
            // One statement, so the flags and the head come from one database snapshot: in READ
            // COMMITTED a second statement could see a change the first did not, and a watcher
            // told "covered through head" would never get it. The LEFT JOIN keeps one row (the
            // head) when no flag exists.
            try (PreparedStatement ps = c.prepareStatement("SELECT " + CHANGE_COLUMNS + ", h.head "
                    + "FROM (SELECT coalesce(max(revision), 0) AS head FROM flag_change) h "
                    + "LEFT JOIN (flag f JOIN flag_change c ON c.revision = f.revision AND c.name = f.name) ON true "
                    + "ORDER BY c.revision, c.name");
                 ResultSet rs = ps.executeQuery()) {
                List<RecordedChange> flags = new ArrayList<>();
                long head = 0;
                while (rs.next()) {
                    head = rs.getLong(14);
                    if (rs.getObject(1) != null) {
                        flags.add(change(rs, null));
                    }
                }
                return new Snapshot(flags, head);
            }
        });
    }

    @Override
    public long head() {
        return Jdbc.inTransaction(dataSource, JdbcFlagRepository::head);
    }

    private static long head(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(revision), 0) FROM flag_change");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private record Current(FlagState flag, long revision) {
    }

    private static Current current(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + FLAG_COLUMNS + "reason, revision FROM flag WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Current(flag(rs, 1), rs.getLong(9)) : null;
            }
        }
    }

    /**
     * The version of the name's last recorded state (0 for a name never used): a flag deleted and
     * created again continues from it, so an expected_version read before the delete cannot match
     * the new flag.
     */
    private static long lastVersion(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version FROM flag_change WHERE name = ? ORDER BY revision DESC LIMIT 1")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void lockWrites(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, WRITE_LOCK);
            ps.execute();
        }
    }

    private static long nextRevision(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT nextval('flag_revision')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void insertChange(Connection c, long revision, ChangeType type, FlagState flag, Long previous,
                                     Instant at, String actor, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO flag_change (" + FLAG_COLUMNS
                + "flag_reason, revision, type, previous_revision, at, actor, reason) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bindFlag(ps, 1, flag);
            ps.setLong(9, revision);
            ps.setString(10, type.name());
            ps.setObject(11, previous);
            ps.setTimestamp(12, Timestamp.from(at));
            ps.setString(13, actor);
            ps.setString(14, reason);
            ps.executeUpdate();
        }
    }

    private static void notify(Connection c, long revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, Long.toString(revision));
            ps.execute();
        }
    }

    private static void bindFlag(PreparedStatement ps, int at, FlagState flag) throws SQLException {
        ps.setString(at, flag.name());
        ps.setString(at + 1, flag.description());
        ps.setInt(at + 2, flag.basisPoints());
        ps.setString(at + 3, flag.cohort());
        ps.setLong(at + 4, flag.version());
        ps.setTimestamp(at + 5, Timestamp.from(flag.updatedAt()));
        ps.setString(at + 6, flag.updatedBy());
        ps.setString(at + 7, flag.reason());
    }

    private static FlagState flag(ResultSet rs, int at) throws SQLException {
        return new FlagState(rs.getString(at), rs.getString(at + 1), rs.getInt(at + 2), rs.getString(at + 3),
                rs.getLong(at + 4), rs.getTimestamp(at + 5).toInstant(), rs.getString(at + 6), rs.getString(at + 7));
    }

    /** Reads {@link #CHANGE_COLUMNS}. */
    private static RecordedChange change(ResultSet rs, FlagState before) throws SQLException {
        FlagState flag = flag(rs, 3);
        return new RecordedChange(rs.getLong(1), ChangeType.valueOf(rs.getString(2)), flag, before,
                rs.getTimestamp(11).toInstant(), rs.getString(12), rs.getString(13));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
