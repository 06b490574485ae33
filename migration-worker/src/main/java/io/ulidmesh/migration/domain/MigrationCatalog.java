package io.ulidmesh.migration.domain;

import com.github.f4b6a3.ulid.UlidCreator;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.migration.domain.target.Column;
import io.ulidmesh.migration.domain.target.KeyKind;
import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableInfo;
import io.ulidmesh.migration.domain.target.TableRef;
import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetRegistry;
import io.ulidmesh.migration.domain.target.TargetSession;
import io.ulidmesh.migration.domain.target.TargetSql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Creates migrations (checked against the target's real catalog), lists them and plans their remaining SQL. */
public class MigrationCatalog {
    private static final Logger LOG = Logger.getLogger(MigrationCatalog.class);
    /** How many of a target's newest migrations are searched for a finished backfill's rate. */
    private static final int OBSERVED_LOOKBACK = 20;

    private final MigrationRepository repository;
    private final Transitions transitions;
    private final TargetRegistry targets;

    public MigrationCatalog(MigrationRepository repository, Transitions transitions, TargetRegistry targets) {
        this.repository = repository;
        this.transitions = transitions;
        this.targets = targets;
    }

    public MigrationRecord create(UlidColumnSpec requested, String actor) {
        UlidColumnSpec spec = requested.validated();
        String id = UlidCreator.getMonotonicUlid().toString();
        TableRef ref;
        try (TargetSession session = targets.open(spec.target())) {
            ref = resolve(session, spec, id);
        } catch (TargetFailure e) {
            LOG.warnf("reading the catalog of target %s failed: %s%s", spec.target(), e.getMessage(), Transitions.engineDetail(e));
            throw DomainException.unavailable("reading the catalog of target '" + spec.target() + "' failed: " + e.getMessage(), e);
        }
        UlidColumnSpec resolved = new UlidColumnSpec(spec.name(), spec.target(), ref.table(), ref.key(), ref.ulid(),
                ref.hasLegacy() ? ref.legacy() : "", ref.hasTimestamp() ? ref.timestamp() : "", spec.batchSize(), spec.maxRowsPerSecond());
        Instant now = Instant.now();
        MigrationRecord migration = new MigrationRecord(id, resolved, Stage.CREATED, Stage.CREATED, 0, 0, 0, 0, now, now, "");
        repository.insert(migration, ref, new Change("create", actor, "", ""));
        LOG.infof("migration %s created by %s: %s on %s.%s (key %s, ulid %s, legacy %s, time %s)", id, actor, spec.name(),
                spec.target(), ref.table(), ref.key(), ref.ulid(), orNone(ref.legacy()), orNone(ref.timestamp()));
        return migration;
    }

    /** Checks the spec against the target's real catalog; the names come back as the catalog spells them. */
    static TableRef resolve(TargetSession session, UlidColumnSpec spec, String id) {
        TargetSql sql = session.sql();
        String where = " on target '" + spec.target() + "'";
        TableInfo table = session.describe(spec.table()).orElseThrow(() ->
                DomainException.failedPrecondition("table '" + spec.table() + "' does not exist" + where));
        Column key = column(table, spec.keyColumn(), "key_column", where);
        if (!table.uniqueColumns().contains(key.name())) {
            throw DomainException.failedPrecondition("key_column '" + key.name() + "' of table '" + table.name()
                    + "' is not unique" + where + ": it needs a primary key or unique index of its own to order the backfill");
        }
        KeyKind keyKind = sql.keyKind(key).orElseThrow(() -> DomainException.failedPrecondition("key_column '" + key.name()
                + "' has type " + key.declaration() + "; the backfill orders by integer or text keys"));
        String ulid = sql.newColumnName(spec.ulidColumn());
        if (table.column(ulid).isPresent()) {
            throw DomainException.failedPrecondition("ulid_column '" + ulid + "' already exists in table '" + table.name() + "'"
                    + where + "; the worker only adds a column of its own, so Rollback can never drop data it did not write");
        }
        Column legacy = spec.hasLegacyColumn() ? column(table, spec.legacyColumn(), "legacy_column", where) : null;
        Column time = spec.hasTimestampColumn() ? column(table, spec.timestampColumn(), "timestamp_column", where) : null;
        if (time != null && !sql.isTimestamp(time)) {
            throw DomainException.failedPrecondition("timestamp_column '" + time.name() + "' has type " + time.declaration()
                    + ", not a timestamp or date");
        }
        if (legacy != null && !legacy.declaration().matches("[A-Za-z0-9_ (),\\[\\]]*")) {
            throw DomainException.failedPrecondition("legacy_column '" + legacy.name() + "' has a declared type the worker cannot re-create: "
                    + legacy.declaration());
        }
        return new TableRef(table.name(), key.name(), keyKind, ulid, legacy == null ? "" : legacy.name(),
                legacy == null ? "" : legacy.declaration(), legacy != null && legacy.notNull(), time == null ? "" : time.name(), id);
    }

    private static Column column(TableInfo table, String name, String field, String where) {
        return table.column(name).orElseThrow(() -> DomainException.failedPrecondition(
                field + " '" + name + "' does not exist in table '" + table.name() + "'" + where));
    }

    /** Newest first, optionally of one target; {@code beforeId} empty for the first page. */
    public List<MigrationRecord> list(String target, String beforeId, int limit) {
        return repository.list(target, beforeId, limit).stream().map(StoredMigration::migration).toList();
    }

    /** The exact SQL of each remaining step, in order, and the backfill's size and expected duration. */
    public record Plan(Map<String, List<String>> steps, BackfillEstimate estimate) {
    }

    /** The plan of a created migration: its remaining steps from the current stage on, then what Rollback would run. */
    public Plan plan(String id) {
        StoredMigration stored = transitions.stored(id);
        MigrationRecord m = stored.migration();
        Stage stage = m.effectiveState();
        if (stage == Stage.ROLLED_BACK) {
            return new Plan(Map.of(), estimate(m.spec(), 0, 0));
        }
        TableRef t = stored.ref();
        try (TargetSession session = targets.open(m.spec().target())) {
            long rows;
            long toBackfill;
            if (stage == Stage.CREATED) {
                rows = session.countRows(t);
                toBackfill = rows;
            } else {
                TargetSession.RowCounts counts = session.countProgress(t);
                rows = counts.rows();
                toBackfill = stage.compareTo(Stage.BACKFILLED) < 0 ? counts.rows() - counts.withUlid() : 0;
            }
            return new Plan(steps(session.sql(), t, stage), estimate(m.spec(), rows, toBackfill));
        } catch (TargetFailure e) {
            throw DomainException.unavailable("counting the rows of '" + t.table() + "' on target '" + m.spec().target()
                    + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * The plan of a migration not created yet, for a dry run: the spec is checked against the
     * target's catalog as {@link #create} checks it, and nothing is written on either side.
     */
    public Plan plan(UlidColumnSpec requested) {
        UlidColumnSpec spec = requested.validated();
        try (TargetSession session = targets.open(spec.target())) {
            TableRef t = resolve(session, spec, UlidCreator.getMonotonicUlid().toString());
            long rows = session.countRows(t);
            return new Plan(steps(session.sql(), t, Stage.CREATED), estimate(spec, rows, rows));
        } catch (TargetFailure e) {
            throw DomainException.unavailable("reading target '" + spec.target() + "' failed: " + e.getMessage(), e);
        }
    }

    /** The rate comes from the throttle or the newest backfill measured on the same target, whichever is slower. */
    private BackfillEstimate estimate(UlidColumnSpec spec, long rows, long toBackfill) {
        Optional<BackfillEstimate.Observed> observed = repository.list(spec.target(), "", OBSERVED_LOOKBACK).stream()
                .map(StoredMigration::migration)
                .filter(m -> m.rowsPerSecond() > 0)
                .findFirst()
                .map(m -> new BackfillEstimate.Observed(m.id(), m.rowsPerSecond()));
        return BackfillEstimate.of(rows, toBackfill, spec.maxRowsPerSecond(), observed);
    }

    private static Map<String, List<String>> steps(TargetSql sql, TableRef t, Stage stage) {
        Map<String, List<String>> steps = new LinkedHashMap<>();
        if (stage == Stage.CREATED) {
            List<String> expand = new ArrayList<>(statements(sql.expand(t)));
            expand.add(sql.countRows(t));
            steps.put("expand", expand);
        }
        if (stage.compareTo(Stage.BACKFILLED) < 0) {
            steps.put("backfill", List.of(sql.countProgress(t), sql.selectBatch(t, false),
                    sql.selectBatch(t, true), sql.updateBatch(t), sql.countNullsBehind(t)));
        }
        if (stage.compareTo(Stage.VALIDATED) < 0) {
            steps.put("validate", List.of(sql.validateCounts(t), sql.duplicates(t)));
        }
        if (stage.compareTo(Stage.CONTRACTED) < 0) {
            List<String> contract = new ArrayList<>(List.of(sql.countProgress(t), sql.selectBatch(t, false), sql.updateBatch(t)));
            contract.addAll(statements(sql.contract(t, t.hasLegacy())));
            steps.put("contract", contract);
        }
        boolean contracted = stage == Stage.CONTRACTED;
        steps.put("rollback", statements(sql.rollback(t, contracted && t.hasLegacy(),
                contracted && t.hasLegacy() && t.legacyNotNull(), stage != Stage.CREATED)));
        return steps;
    }

    private static List<String> statements(List<SqlGroup> groups) {
        return groups.stream().flatMap(g -> g.sql().stream()).toList();
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? "none" : value;
    }
}
