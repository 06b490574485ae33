package io.ulidmesh.migration.service;

import com.github.f4b6a3.ulid.UlidCreator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.migration.dialect.Column;
import io.ulidmesh.migration.dialect.Dialect;
import io.ulidmesh.migration.dialect.KeyKind;
import io.ulidmesh.migration.dialect.SqlGroup;
import io.ulidmesh.migration.dialect.TableInfo;
import io.ulidmesh.migration.dialect.TableRef;
import io.ulidmesh.migration.domain.Migration;
import io.ulidmesh.migration.domain.MigrationSpec;
import io.ulidmesh.migration.domain.MigrationState;
import io.ulidmesh.migration.domain.RateMeter;
import io.ulidmesh.migration.domain.Step;
import io.ulidmesh.migration.domain.Steps;
import io.ulidmesh.migration.domain.ValidationReport;
import io.ulidmesh.migration.store.MigrationStore;
import io.ulidmesh.migration.store.StoredMigration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the steps of migrations. Steps of one migration are serialized by a per-migration lock;
 * the backfill runs on its own thread and is picked up again at startup when the worker died
 * while it ran.
 */
@ApplicationScoped
public class MigrationService {
    private static final Logger LOG = Logger.getLogger(MigrationService.class);

    /** Progress of a migration, live while its backfill runs here. */
    public record Progress(Migration migration, long rowsDone, long rowsTotal, double rowsPerSecond, long etaSeconds, Instant at) {
    }

    private final MigrationStore store;
    private final TargetConnector targets;
    private final MigrationMetrics metrics;
    private final double tolerancePercent;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "backfill");
        thread.setDaemon(true);
        return thread;
    });

    private record Job(BackfillLoop loop, Future<?> future) {
    }

    MigrationService(MigrationStore store, TargetConnector targets, MigrationMetrics metrics,
                     @ConfigProperty(name = "ulidmesh.migration.row-count-tolerance-percent", defaultValue = "0.01") double tolerancePercent) {
        this.store = store;
        this.targets = targets;
        this.metrics = metrics;
        this.tolerancePercent = tolerancePercent;
    }

    void onStart(@Observes StartupEvent event) {
        for (StoredMigration stored : store.inState(MigrationState.BACKFILLING)) {
            LOG.infof("migration %s: resuming its backfill from the checkpoint after a restart", stored.migration().id());
            startJob(stored.migration().id());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        jobs.values().forEach(job -> job.loop().requestStop());
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- create, read

    public Migration create(MigrationSpec requested, String actor) {
        MigrationSpec spec = requested.validated();
        String id = UlidCreator.getMonotonicUlid().toString();
        TableRef ref;
        try (TargetConnector.Session session = targets.open(spec.target())) {
            ref = resolve(session.dialect(), session.connection(), spec, id);
        } catch (SQLException e) {
            throw DomainException.unavailable("reading the catalog of target '" + spec.target() + "' failed: " + e.getMessage(), e);
        }
        MigrationSpec resolved = new MigrationSpec(spec.name(), spec.target(), ref.table(), ref.key(), ref.ulid(),
                ref.hasLegacy() ? ref.legacy() : "", ref.hasTimestamp() ? ref.timestamp() : "", spec.batchSize(), spec.maxRowsPerSecond());
        Instant now = Instant.now();
        Migration migration = new Migration(id, resolved, MigrationState.CREATED, MigrationState.CREATED, 0, 0, 0, 0, now, now, "");
        store.insert(migration, ref, new MigrationStore.Change("create", actor, "", ""));
        LOG.infof("migration %s created by %s: %s on %s.%s (key %s, ulid %s, legacy %s, time %s)", id, actor, spec.name(),
                spec.target(), ref.table(), ref.key(), ref.ulid(), orNone(ref.legacy()), orNone(ref.timestamp()));
        return migration;
    }

    /** Checks the spec against the target's real catalog; the names come back as the catalog spells them. */
    private static TableRef resolve(Dialect dialect, Connection connection, MigrationSpec spec, String id) throws SQLException {
        String where = " on target '" + spec.target() + "'";
        TableInfo table = dialect.describe(connection, spec.table()).orElseThrow(() ->
                DomainException.failedPrecondition("table '" + spec.table() + "' does not exist" + where));
        Column key = column(table, spec.keyColumn(), "key_column", where);
        if (!table.uniqueColumns().contains(key.name())) {
            throw DomainException.failedPrecondition("key_column '" + key.name() + "' of table '" + table.name()
                    + "' is not unique" + where + ": it needs a primary key or unique index of its own to order the backfill");
        }
        KeyKind keyKind = dialect.keyKind(key).orElseThrow(() -> DomainException.failedPrecondition("key_column '" + key.name()
                + "' has type " + key.declaration() + "; the backfill orders by integer or text keys"));
        String ulid = dialect.newColumnName(spec.ulidColumn());
        if (table.column(ulid).isPresent()) {
            throw DomainException.failedPrecondition("ulid_column '" + ulid + "' already exists in table '" + table.name() + "'"
                    + where + "; the worker only adds a column of its own, so Rollback can never drop data it did not write");
        }
        Column legacy = spec.hasLegacyColumn() ? column(table, spec.legacyColumn(), "legacy_column", where) : null;
        Column time = spec.hasTimestampColumn() ? column(table, spec.timestampColumn(), "timestamp_column", where) : null;
        if (time != null && !dialect.isTimestamp(time)) {
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

    public Migration get(String id) {
        return stored(id).migration();
    }

    public List<Migration> list(String target, String beforeId, int limit) {
        return store.list(target, beforeId, limit).stream().map(StoredMigration::migration).toList();
    }

    private StoredMigration stored(String id) {
        return store.find(id).orElseThrow(() -> DomainException.notFound("migration " + id + " does not exist"));
    }

    public Progress progress(String id) {
        Migration migration = get(id);
        Job job = jobs.get(id);
        long done = job == null ? migration.rowsBackfilled() : job.loop().done();
        long total = job == null ? migration.rowsTotal() : job.loop().total();
        double rate = job == null ? (migration.state() == MigrationState.BACKFILLING ? migration.rowsPerSecond() : 0) : job.loop().rate();
        long eta = migration.state() == MigrationState.BACKFILLING ? RateMeter.etaSeconds(total - done, rate) : 0;
        return new Progress(migration.withProgress(total, done, rate), done, total, rate, eta, Instant.now());
    }

    // ---------------------------------------------------------------- steps

    public Migration expand(String id, String actor, String reason) {
        return locked(id, () -> {
            StoredMigration stored = stored(id);
            Migration m = stored.migration();
            if (Steps.decide(m, Step.EXPAND) == Steps.Decision.ALREADY_DONE) {
                return m;
            }
            try (TargetConnector.Session session = targets.open(m.spec().target())) {
                Dialect dialect = session.dialect();
                TableRef t = stored.ref();
                boolean present = dialect.describe(session.connection(), t.table()).flatMap(info -> info.column(t.ulid())).isPresent();
                if (!present) {
                    runAll(id, dialect, session.connection(), dialect.expand(t));
                }
                long baseline = Dialect.queryLong(session.connection(), dialect.countRows(t));
                move(m, MigrationState.EXPANDED, MigrationState.EXPANDED, baseline, Step.EXPAND, actor, reason, "baseline " + baseline + " rows");
                return get(id);
            } catch (SQLException e) {
                throw fail(m, Step.EXPAND, actor, e);
            }
        });
    }

    public Migration backfill(String id, String actor, String reason) {
        return locked(id, () -> {
            Migration m = get(id);
            if (Steps.decide(m, Step.BACKFILL) == Steps.Decision.ALREADY_DONE) {
                return m;
            }
            move(m, MigrationState.BACKFILLING, MigrationState.EXPANDED, null, Step.BACKFILL, actor, reason, "");
            startJob(id);
            return get(id);
        });
    }

    public Migration pause(String id, String actor, String reason) {
        Migration paused = locked(id, () -> {
            Migration m = get(id);
            if (Steps.decide(m, Step.PAUSE) == Steps.Decision.ALREADY_DONE) {
                return m;
            }
            move(m, MigrationState.PAUSED, MigrationState.EXPANDED, null, Step.PAUSE, actor, reason, "");
            return m;
        });
        awaitJob(id);
        return get(paused.id());
    }

    public Migration resume(String id, String actor, String reason) {
        return locked(id, () -> {
            Migration m = get(id);
            if (Steps.decide(m, Step.RESUME) == Steps.Decision.ALREADY_DONE) {
                return m;
            }
            move(m, MigrationState.BACKFILLING, MigrationState.EXPANDED, null, Step.RESUME, actor, reason, "");
            startJob(id);
            return get(id);
        });
    }

    public ValidationReport validate(String id, String actor, String reason) {
        return locked(id, () -> {
            StoredMigration stored = stored(id);
            Migration m = stored.migration();
            Steps.decide(m, Step.VALIDATE);
            TableRef t = stored.ref();
            try (TargetConnector.Session session = targets.open(m.spec().target())) {
                Dialect dialect = session.dialect();
                long rows;
                long nulls;
                long invalid;
                try (Statement s = session.connection().createStatement(); ResultSet rs = s.executeQuery(dialect.validateCounts(t))) {
                    rs.next();
                    rows = rs.getLong(1);
                    nulls = rs.getLong(2);
                    invalid = rs.getLong(3);
                }
                long duplicates = Dialect.queryLong(session.connection(), dialect.duplicates(t));
                ValidationReport report = ValidationReport.of(m.baselineRows(), rows, rows - nulls - invalid, invalid, nulls,
                        duplicates, tolerancePercent);
                metrics.validation(m.spec().target(), report.passed());
                String detail = "rows " + rows + " (baseline " + m.baselineRows() + "), valid " + report.valid() + ", invalid " + invalid
                        + ", nulls " + nulls + ", duplicates " + duplicates + (report.passed() ? ": passed" : ": " + String.join("; ", report.problems()));
                MigrationState settled = m.effectiveState();
                if (settled != MigrationState.CONTRACTED) {
                    MigrationState next = report.passed() ? MigrationState.VALIDATED : MigrationState.BACKFILLED;
                    move(m, next, next, null, Step.VALIDATE, actor, reason, detail);
                } else {
                    LOG.infof("migration %s validate (after contract) by %s: %s", id, actor, detail);
                }
                return report;
            } catch (SQLException e) {
                throw fail(m, Step.VALIDATE, actor, e);
            }
        });
    }

    public Migration contract(String id, String actor, String reason) {
        return locked(id, () -> {
            StoredMigration stored = stored(id);
            Migration m = stored.migration();
            if (Steps.decide(m, Step.CONTRACT) == Steps.Decision.ALREADY_DONE) {
                return m;
            }
            TableRef t = stored.ref();
            try (TargetConnector.Session session = targets.open(m.spec().target())) {
                Dialect dialect = session.dialect();
                Connection c = session.connection();
                boolean legacyPresent = legacyPresent(dialect, c, t);
                List<String> dependents = legacyPresent ? dialect.legacyDependents(c, t) : List.of();
                if (!dependents.isEmpty()) {
                    String problem = "legacy column '" + t.legacy() + "', which Contract drops, is in use: "
                            + String.join("; ", dependents) + "; drop or change that first (Rollback would not recreate it)";
                    LOG.warnf("migration %s contract by %s refused, nothing changed: %s", id, actor, problem);
                    throw DomainException.failedPrecondition("contract of migration " + id + " refused, nothing changed: " + problem);
                }
                // Rows the old code inserted since validation get their ULID first, or NOT NULL would fail.
                BackfillLoop catchUp = new BackfillLoop(store, metrics);
                catchUp.run(stored(id), dialect, c);
                runAll(id, dialect, c, dialect.repairs(c, t));
                runAll(id, dialect, c, dialect.contract(t, legacyPresent));
                move(m, MigrationState.CONTRACTED, MigrationState.CONTRACTED, null, Step.CONTRACT, actor, reason,
                        t.hasLegacy() ? "legacy column archived in " + t.archiveTable() : "");
                return get(id);
            } catch (SQLException e) {
                throw fail(m, Step.CONTRACT, actor, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(m, Step.CONTRACT, actor, e);
            }
        });
    }

    public Migration rollback(String id, String actor, String reason) {
        if (reason == null || reason.isBlank()) {
            throw DomainException.invalid("reason is required for Rollback");
        }
        stopJob(id);
        return locked(id, () -> {
            StoredMigration stored = stored(id);
            Migration m = stored.migration();
            if (Steps.decide(m, Step.ROLLBACK) == Steps.Decision.ALREADY_DONE) {
                return m;
            }
            TableRef t = stored.ref();
            try (TargetConnector.Session session = targets.open(m.spec().target())) {
                Dialect dialect = session.dialect();
                Connection c = session.connection();
                Optional<TableInfo> info = dialect.describe(c, t.table());
                if (info.isEmpty()) {
                    throw DomainException.failedPrecondition("table '" + t.table() + "' no longer exists on target '" + m.spec().target() + "'");
                }
                boolean restore = t.hasLegacy() && info.get().column(t.legacy()).isEmpty();
                if (restore && !dialect.hasTable(c, t.archiveTable())) {
                    throw DomainException.failedPrecondition("legacy column '" + t.legacy() + "' is missing and its archive "
                            + t.archiveTable() + " too; refusing to drop the ULID column, the only identifier left");
                }
                boolean restoreNotNull = restore && t.legacyNotNull() && everyRowArchived(c, dialect, t);
                runAll(id, dialect, c, dialect.rollback(t, restore, restoreNotNull, info.get().column(t.ulid()).isPresent()));
                move(m, MigrationState.ROLLED_BACK, MigrationState.ROLLED_BACK, null, Step.ROLLBACK, actor, reason,
                        restore ? "legacy column restored from " + t.archiveTable() + " (kept)" : "");
                return get(id);
            } catch (SQLException e) {
                throw fail(m, Step.ROLLBACK, actor, e);
            }
        });
    }

    /** The exact SQL of each remaining step, from the current state on, then what Rollback would run. */
    public Map<String, List<String>> plan(String id) {
        StoredMigration stored = stored(id);
        Migration m = stored.migration();
        TableRef t = stored.ref();
        MigrationState state = m.effectiveState();
        Map<String, List<String>> steps = new LinkedHashMap<>();
        if (state == MigrationState.ROLLED_BACK) {
            return steps;
        }
        Dialect dialect = targets.dialectOf(m.spec().target());
        if (state == MigrationState.CREATED) {
            List<String> expand = new ArrayList<>(statements(dialect.expand(t)));
            expand.add(dialect.countRows(t));
            steps.put("expand", expand);
        }
        if (state.compareTo(MigrationState.BACKFILLED) < 0) {
            steps.put("backfill", List.of(dialect.countProgress(t), dialect.selectBatch(t, false),
                    dialect.selectBatch(t, true), dialect.updateBatch(t), dialect.countNullsBehind(t)));
        }
        if (state.compareTo(MigrationState.VALIDATED) < 0) {
            steps.put("validate", List.of(dialect.validateCounts(t), dialect.duplicates(t)));
        }
        if (state.compareTo(MigrationState.CONTRACTED) < 0) {
            List<String> contract = new ArrayList<>(List.of(dialect.countProgress(t), dialect.selectBatch(t, false), dialect.updateBatch(t)));
            contract.addAll(statements(dialect.contract(t, t.hasLegacy())));
            steps.put("contract", contract);
        }
        boolean contracted = state == MigrationState.CONTRACTED;
        steps.put("rollback", statements(dialect.rollback(t, contracted && t.hasLegacy(),
                contracted && t.hasLegacy() && t.legacyNotNull(), state != MigrationState.CREATED)));
        return steps;
    }

    // ---------------------------------------------------------------- background backfill

    /** Starts the backfill thread; a stopping predecessor is awaited first, so two never mint ULIDs side by side. */
    private void startJob(String id) {
        Job existing = jobs.get(id);
        if (existing != null) {
            if (!existing.loop().stopRequested()) {
                return;
            }
            awaitJob(id);
        }
        BackfillLoop loop = new BackfillLoop(store, metrics);
        metrics.rate(id, loop::rate);
        jobs.put(id, new Job(loop, executor.submit(() -> runJob(id, loop))));
    }

    private void runJob(String id, BackfillLoop loop) {
        Thread.currentThread().setName("backfill-" + id);
        try {
            StoredMigration stored = stored(id);
            boolean finished;
            try (TargetConnector.Session session = targets.open(stored.migration().spec().target())) {
                finished = loop.run(stored, session.dialect(), session.connection());
            }
            if (finished) {
                locked(id, () -> {
                    Migration m = get(id);
                    if (m.state() == MigrationState.BACKFILLING) {
                        move(m, MigrationState.BACKFILLED, MigrationState.BACKFILLED, null, Step.BACKFILL, "migration-worker", "",
                                "every row has a ULID; " + loop.done() + " of " + loop.total() + " rows");
                    }
                    return m;
                });
            }
        } catch (Exception e) {
            LOG.errorf(e, "migration %s backfill failed", id);
            locked(id, () -> {
                Migration m = get(id);
                if (m.state() == MigrationState.BACKFILLING) {
                    store.transition(id, m.state(), MigrationState.FAILED, MigrationState.EXPANDED, message(e), null,
                            new MigrationStore.Change(Step.BACKFILL.label(), "migration-worker", "", message(e)));
                    metrics.step(Step.BACKFILL.label(), "failed");
                }
                return m;
            });
        } finally {
            metrics.stopped(id);
            jobs.computeIfPresent(id, (key, job) -> job.loop() == loop ? null : job);
        }
    }

    private void stopJob(String id) {
        Job job = jobs.get(id);
        if (job != null) {
            job.loop().requestStop();
            awaitJob(id);
        }
    }

    private void awaitJob(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            return;
        }
        job.loop().requestStop();
        try {
            job.future().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("waiting for the backfill of %s: %s", id, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helpers

    private void move(Migration m, MigrationState next, MigrationState settled, Long baseline, Step step, String actor,
                      String reason, String detail) {
        if (!store.transition(m.id(), m.state(), next, settled, "", baseline,
                new MigrationStore.Change(step.label(), actor, reason, detail))) {
            throw DomainException.conflict("migration " + m.id() + " changed state meanwhile; read it again and retry");
        }
        metrics.step(step.label(), "ok");
        LOG.infof("migration %s %s by %s: %s -> %s%s%s", m.id(), step.label(), actor, m.state(), next,
                reason == null || reason.isBlank() ? "" : " (reason: " + reason + ")", detail.isEmpty() ? "" : "; " + detail);
    }

    private RuntimeException fail(Migration m, Step step, String actor, Exception e) {
        String message = message(e);
        MigrationState current = get(m.id()).state();
        store.transition(m.id(), current, MigrationState.FAILED, m.effectiveState(), message, null,
                new MigrationStore.Change(step.label(), actor, "", message));
        metrics.step(step.label(), "failed");
        LOG.errorf("migration %s %s by %s failed: %s -> FAILED (settled %s): %s", m.id(), step.label(), actor, current,
                m.effectiveState(), message);
        return DomainException.failedPrecondition(step.label() + " of migration " + m.id() + " failed on target '"
                + m.spec().target() + "': " + message);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void runAll(String id, Dialect dialect, Connection connection, List<SqlGroup> groups) throws SQLException {
        for (SqlGroup group : groups) {
            LOG.infof("migration %s: %s", id, group.purpose());
            dialect.run(connection, group, sql -> LOG.infof("migration %s SQL: %s", id, sql));
        }
    }

    private static boolean legacyPresent(Dialect dialect, Connection c, TableRef t) throws SQLException {
        return t.hasLegacy() && dialect.describe(c, t.table()).flatMap(info -> info.column(t.legacy())).isPresent();
    }

    /**
     * Whether NOT NULL can come back on the legacy column: every row has a non-NULL archived value
     * (rows inserted after Contract have none, and then the column stays nullable).
     */
    private static boolean everyRowArchived(Connection c, Dialect dialect, TableRef t) throws SQLException {
        String key = dialect.quote(t.key());
        return Dialect.queryLong(c, "SELECT count(*) FROM " + dialect.quote(t.table()) + " t LEFT JOIN "
                + dialect.quote(t.archiveTable()) + " a ON t." + key + " = a." + key + " WHERE a." + dialect.quote(t.legacy()) + " IS NULL") == 0;
    }

    private static List<String> statements(List<SqlGroup> groups) {
        return groups.stream().flatMap(g -> g.sql().stream()).toList();
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? "none" : value;
    }

    private <T> T locked(String id, Supplier<T> body) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
