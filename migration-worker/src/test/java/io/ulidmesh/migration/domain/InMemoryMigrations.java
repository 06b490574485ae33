package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.TableRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The migration repository in memory, compare-and-set like the real one; checkpoints also go to a shared log. */
final class InMemoryMigrations implements MigrationRepository {
    final Map<String, StoredMigration> migrations = new ConcurrentHashMap<>();
    final List<Change> events = new ArrayList<>();
    final List<String> log;

    InMemoryMigrations(List<String> log) {
        this.log = log;
    }

    @Override
    public synchronized void insert(MigrationRecord migration, TableRef ref, Change change) {
        migrations.put(migration.id(), new StoredMigration(migration, ref, Checkpoint.START));
        events.add(change);
    }

    @Override
    public Optional<StoredMigration> find(String id) {
        return Optional.ofNullable(migrations.get(id));
    }

    @Override
    public List<StoredMigration> list(String target, String beforeId, int limit) {
        return migrations.values().stream()
                .filter(s -> target.isEmpty() || s.migration().spec().target().equals(target))
                .filter(s -> beforeId.isEmpty() || s.migration().id().compareTo(beforeId) < 0)
                .sorted(Comparator.comparing((StoredMigration s) -> s.migration().id()).reversed()).limit(limit).toList();
    }

    @Override
    public List<StoredMigration> inStage(Stage stage) {
        return migrations.values().stream().filter(s -> s.migration().state() == stage).toList();
    }

    @Override
    public synchronized boolean transition(String id, Stage expected, Stage next, Stage settled, String lastError, Long baselineRows,
                                           Change change) {
        StoredMigration s = migrations.get(id);
        MigrationRecord m = s.migration();
        if (m.state() != expected) {
            return false;
        }
        long baseline = baselineRows == null ? m.baselineRows() : baselineRows;
        long total = baselineRows == null ? m.rowsTotal() : baselineRows;
        migrations.put(id, new StoredMigration(new MigrationRecord(id, m.spec(), next, settled, total, baseline, m.rowsBackfilled(),
                m.rowsPerSecond(), m.createdAt(), Instant.now(), lastError), s.ref(), s.checkpoint()));
        events.add(change);
        return true;
    }

    @Override
    public synchronized void checkpoint(String id, Checkpoint checkpoint, long rowsBackfilled, long rowsTotal, double rowsPerSecond) {
        StoredMigration s = migrations.get(id);
        MigrationRecord m = s.migration();
        migrations.put(id, new StoredMigration(new MigrationRecord(id, m.spec(), m.state(), m.settledState(), rowsTotal, m.baselineRows(),
                rowsBackfilled, rowsPerSecond, m.createdAt(), Instant.now(), m.lastError()), s.ref(), checkpoint));
        log.add("checkpoint " + checkpoint.key());
    }

    @Override
    public synchronized boolean tune(String id, Stage expected, int batchSize, int maxRowsPerSecond, Change change) {
        StoredMigration s = migrations.get(id);
        MigrationRecord m = s.migration();
        if (m.state() != expected) {
            return false;
        }
        UlidColumnSpec o = m.spec();
        UlidColumnSpec spec = new UlidColumnSpec(o.name(), o.target(), o.table(), o.keyColumn(), o.ulidColumn(), o.legacyColumn(),
                o.timestampColumn(), batchSize, maxRowsPerSecond);
        migrations.put(id, new StoredMigration(new MigrationRecord(id, spec, m.state(), m.settledState(), m.rowsTotal(), m.baselineRows(),
                m.rowsBackfilled(), m.rowsPerSecond(), m.createdAt(), Instant.now(), m.lastError()), s.ref(), s.checkpoint()));
        events.add(change);
        return true;
    }

    MigrationRecord get(String id) {
        return migrations.get(id).migration();
    }
}
