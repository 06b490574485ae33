package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.Column;
import io.ulidmesh.migration.domain.target.KeyKind;
import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableInfo;
import io.ulidmesh.migration.domain.target.TableRef;
import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetSession;
import io.ulidmesh.migration.domain.target.TargetSql;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A target table {@code jobs(id, legacy_id, created_at)} held in memory, behind the session port:
 * its "SQL" is one marker statement per group, which {@link #run} interprets. Events the tests
 * check the order of (checkpoints, writes) go to a shared log.
 */
final class InMemoryTarget implements TargetSession {
    static final String TABLE = "jobs";

    /** A row's time (null when unknown) and its ULID (null until written). */
    static final class Row {
        final Long millis;
        String ulid;

        Row(Long millis) {
            this.millis = millis;
        }
    }

    final TreeMap<Long, Row> rows = new TreeMap<>();
    final List<String> log;
    final List<String> ran = new ArrayList<>();
    List<String> dependents = List.of();
    boolean ulidColumn;
    boolean legacyColumn = true;
    boolean archive;
    /** Runs before each batch write, as the application writing meanwhile would. */
    Consumer<InMemoryTarget> beforeWrite = t -> { };
    /** Fails the next write with this message, as a target refusing it would. */
    String failNextWrite;
    /** How the next failed write fails: NONE for a plain failure. */
    TargetFailure.Transience failNextWriteAs = TargetFailure.Transience.NONE;

    InMemoryTarget(List<String> log, int rowCount) {
        this.log = log;
        for (long id = 1; id <= rowCount; id++) {
            rows.put(id, new Row(1_700_000_000_000L + id * 1000));
        }
    }

    @Override
    public List<String> lockHolders(TableRef t) {
        return List.of();
    }

    @Override
    public double replicationLagSeconds() {
        return 0;
    }

    @Override
    public TargetSql sql() {
        return SQL;
    }

    @Override
    public Optional<TableInfo> describe(String table) {
        if (table.startsWith("ulidmesh_archive_")) {
            return archive ? Optional.of(new TableInfo(table, List.of(), Set.of())) : Optional.empty();
        }
        if (!table.equalsIgnoreCase(TABLE)) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>(List.of(new Column("id", "int8", "bigint", true),
                new Column("created_at", "timestamp", "timestamp", true)));
        if (legacyColumn) {
            columns.add(new Column("legacy_id", "text", "text", true));
        }
        if (ulidColumn) {
            columns.add(new Column("job_ulid", "varchar", "varchar(26)", false));
        }
        return Optional.of(new TableInfo(TABLE, columns, Set.of("id")));
    }

    @Override
    public long countRows(TableRef t) {
        return rows.size();
    }

    @Override
    public RowCounts countProgress(TableRef t) {
        return new RowCounts(rows.size(), rows.values().stream().filter(r -> r.ulid != null).count());
    }

    @Override
    public List<BatchRow> selectBatch(TableRef t, String afterKey, int limit) {
        var tail = afterKey == null ? rows : rows.tailMap(Long.parseLong(afterKey), false);
        return tail.entrySet().stream().limit(limit)
                .map(e -> new BatchRow(e.getKey(), e.getValue().millis, e.getValue().ulid == null)).toList();
    }

    @Override
    public long countNullsBehind(TableRef t, String key) {
        return rows.headMap(Long.parseLong(key), true).values().stream().filter(r -> r.ulid == null).count();
    }

    @Override
    public int writeBatch(TableRef t, List<Object> keys, List<String> ulids) {
        beforeWrite.accept(this);
        if (failNextWrite != null) {
            String message = failNextWrite;
            failNextWrite = null;
            throw new TargetFailure(message, null, failNextWriteAs);
        }
        int written = 0;
        for (int i = 0; i < keys.size(); i++) {
            Row row = rows.get((Long) keys.get(i));
            if (row != null && row.ulid == null) {
                row.ulid = ulids.get(i);
                written++;
            }
        }
        log.add("write " + keys.get(0) + ".." + keys.get(keys.size() - 1));
        return written;
    }

    @Override
    public UlidCounts countUlids(TableRef t) {
        Map<String, Integer> seen = new HashMap<>();
        long nulls = 0;
        long invalid = 0;
        for (Row row : rows.values()) {
            if (row.ulid == null) {
                nulls++;
            } else if (!row.ulid.matches("[0-7][0-9A-HJKMNP-TV-Z]{25}")) {
                invalid++;
            } else {
                seen.merge(row.ulid, 1, Integer::sum);
            }
        }
        return new UlidCounts(rows.size(), nulls, invalid, seen.values().stream().filter(n -> n > 1).count());
    }

    @Override
    public List<String> legacyDependents(TableRef t) {
        return dependents;
    }

    @Override
    public List<SqlGroup> repairs(TableRef t) {
        return List.of();
    }

    @Override
    public boolean everyRowArchived(TableRef t) {
        return true;
    }

    /** Interprets the marker statements of {@link #SQL}. */
    @Override
    public void run(SqlGroup group, Consumer<String> log) {
        for (String sql : group.sql()) {
            log.accept(sql);
            ran.add(sql);
            switch (sql) {
                case "add ulid" -> ulidColumn = true;
                case "drop ulid" -> ulidColumn = false;
                case "archive and drop legacy" -> {
                    archive = true;
                    legacyColumn = false;
                }
                case "restore legacy" -> legacyColumn = true;
                default -> { }
            }
        }
    }

    @Override
    public void close() {
    }

    Set<String> ulids() {
        Set<String> ulids = new HashSet<>();
        rows.values().forEach(r -> ulids.add(r.ulid));
        return ulids;
    }

    /** One marker statement per group; {@link #run} gives them their effect. */
    static final TargetSql SQL = new TargetSql() {
        @Override
        public String newColumnName(String requested) {
            return requested;
        }

        @Override
        public Optional<KeyKind> keyKind(Column column) {
            return column.type().equals("int8") ? Optional.of(KeyKind.INTEGER) : Optional.empty();
        }

        @Override
        public boolean isTimestamp(Column column) {
            return column.type().equals("timestamp");
        }

        @Override
        public List<SqlGroup> expand(TableRef t) {
            return List.of(SqlGroup.tx("add the ULID column", "add ulid"));
        }

        /** The in-memory table has no triggers; the domain tests insert with ULIDs where they need them. */
        @Override
        public List<SqlGroup> writeSync(TableRef t) {
            return List.of();
        }

        @Override
        public List<SqlGroup> dropWriteSync(TableRef t) {
            return List.of();
        }

        @Override
        public String countRows(TableRef t) {
            return "count rows";
        }

        @Override
        public String countProgress(TableRef t) {
            return "count progress";
        }

        @Override
        public String selectBatch(TableRef t, boolean afterKey) {
            return afterKey ? "select batch after key" : "select first batch";
        }

        @Override
        public String updateBatch(TableRef t) {
            return "update batch";
        }

        @Override
        public String countNullsBehind(TableRef t) {
            return "count nulls behind";
        }

        @Override
        public String validateCounts(TableRef t) {
            return "validate counts";
        }

        @Override
        public String duplicates(TableRef t) {
            return "duplicates";
        }

        @Override
        public List<SqlGroup> contract(TableRef t, boolean legacyPresent) {
            List<SqlGroup> groups = new ArrayList<>(List.of(SqlGroup.tx("enforce", "enforce not null and unique")));
            if (t.hasLegacy() && legacyPresent) {
                groups.add(SqlGroup.tx("archive", "archive and drop legacy"));
            }
            return groups;
        }

        @Override
        public List<SqlGroup> rollback(TableRef t, boolean restoreLegacy, boolean restoreNotNull, boolean ulidPresent) {
            List<SqlGroup> groups = new ArrayList<>(List.of(SqlGroup.tx("unenforce", "unenforce")));
            if (restoreLegacy) {
                groups.add(SqlGroup.tx("restore", "restore legacy"));
            }
            if (ulidPresent) {
                groups.add(SqlGroup.tx("drop", "drop ulid"));
            }
            return groups;
        }
    };
}
