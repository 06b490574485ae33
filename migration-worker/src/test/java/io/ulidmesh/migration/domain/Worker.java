package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.Engine;
import io.ulidmesh.migration.domain.target.PasswordVault;
import io.ulidmesh.migration.domain.target.StoredTarget;
import io.ulidmesh.migration.domain.target.TargetDatabase;
import io.ulidmesh.migration.domain.target.TargetDatabases;
import io.ulidmesh.migration.domain.target.TargetPolicy;
import io.ulidmesh.migration.domain.target.TargetRegistry;
import io.ulidmesh.migration.domain.target.TargetRepository;
import io.ulidmesh.migration.domain.target.TargetSession;
import io.ulidmesh.migration.domain.target.TargetSql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/** The worker's domain wired to in-memory ports: one target "crackerjack" whose table {@code jobs} lives in memory. */
final class Worker implements AutoCloseable {
    static final String TARGET = "crackerjack";

    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final InMemoryMigrations repository = new InMemoryMigrations(log);
    final InMemoryTarget table;
    final Meters meters = new Meters();
    final TargetRegistry targets;
    final Transitions transitions;
    final MigrationCatalog catalog;
    final Backfills backfills;
    final StepRunner steps;

    Worker(int rows) {
        table = new InMemoryTarget(log, rows);
        targets = new TargetRegistry(new InMemoryTargets(), new TargetDatabases() {
            @Override
            public TargetSql sql(Engine engine) {
                return InMemoryTarget.SQL;
            }

            @Override
            public TargetSession open(TargetDatabase target, String password) {
                return table;
            }
        }, new PasswordVault(Optional.empty()), new TargetPolicy(List.of(), List.of(Path.of("/nowhere"))));
        targets.register(TARGET, "jdbc:sqlite:/nowhere/crackerjack.db", "", "", "test");
        transitions = new Transitions(repository, meters);
        catalog = new MigrationCatalog(repository, transitions, targets);
        backfills = new Backfills(transitions, targets, repository, meters, java.time.Duration.ofSeconds(1), AutoThrottle.NONE, MigrationClaims.LOCAL);
        steps = new StepRunner(transitions, targets, backfills, meters, 0.01, new LockRetry(java.time.Duration.ofSeconds(1), meters));
    }

    static UlidColumnSpec spec() {
        return new UlidColumnSpec("jobs", TARGET, "jobs", "id", "job_ulid", "legacy_id", "created_at", 1000, 0);
    }

    /** A migration of {@link #spec()} created, expanded and backfilled by alice, as it rests. */
    MigrationRecord backfilled() throws InterruptedException {
        String id = catalog.create(spec(), "alice").id();
        steps.expand(id, "alice", "");
        backfills.backfill(id, "alice", "");
        return awaitRest(id);
    }

    /** Waits for the background backfill to leave BACKFILLING. */
    MigrationRecord awaitRest(String id) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (repository.get(id).state() == Stage.BACKFILLING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return repository.get(id);
    }

    @Override
    public void close() {
        backfills.shutdown();
    }

    /** Counts what the meters would. */
    static final class Meters implements MigrationListener {
        final AtomicLong rows = new AtomicLong();
        final Map<String, Integer> steps = new ConcurrentHashMap<>();

        @Override
        public void batchWritten(String target, long written, long nanos) {
            rows.addAndGet(written);
        }

        @Override
        public void backfillRunning(String migrationId, DoubleSupplier rate, LongSupplier done, LongSupplier total) {
        }

        @Override
        public void backfillStopped(String migrationId) {
        }

        @Override
        public void validated(String target, boolean passed) {
        }

        @Override
        public void stepDone(Step step, boolean ok) {
            steps.merge(step.label() + (ok ? " ok" : " failed"), 1, Integer::sum);
        }

        @Override
        public void lockWaited(String target, long nanos) {
            steps.merge("lock wait", 1, Integer::sum);
        }

        @Override
        public void throttled(String target, long nanos) {
            steps.merge("throttled", 1, Integer::sum);
        }

        @Override
        public void tuned(String target) {
            steps.merge("tune", 1, Integer::sum);
        }
    }

    /** Registered targets in memory. */
    static final class InMemoryTargets implements TargetRepository {
        private final Map<String, StoredTarget> targets = new TreeMap<>();

        @Override
        public synchronized void upsert(TargetDatabase target, byte[] sealedPassword) {
            targets.put(target.name(), new StoredTarget(target, sealedPassword));
        }

        @Override
        public synchronized Optional<StoredTarget> find(String name) {
            return Optional.ofNullable(targets.get(name));
        }

        @Override
        public synchronized List<TargetDatabase> list() {
            return targets.values().stream().map(StoredTarget::target).toList();
        }
    }
}
