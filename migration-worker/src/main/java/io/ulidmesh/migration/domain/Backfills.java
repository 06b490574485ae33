package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetRegistry;
import io.ulidmesh.migration.domain.target.TargetSession;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Backfill, Pause and Resume: each migration's backfill runs on a thread of its own, at most one at
 * a time, and is picked up again at startup when the worker died while it ran. On engines without
 * triggers ({@link io.ulidmesh.migration.domain.target.TargetSql#followsAppends}) a BACKFILLED or
 * VALIDATED migration is then followed: every {@code followInterval} a catch-up pass, under the
 * migration's lock (so never beside another pass), gives the rows appended since their ULIDs.
 */
public class Backfills {
    private static final Logger LOG = Logger.getLogger(Backfills.class);
    /** The actor of what the worker does on its own (a backfill finishing or failing). */
    private static final String WORKER = "migration-worker";

    private final Transitions transitions;
    private final TargetRegistry targets;
    private final MigrationRepository repository;
    private final MigrationListener listener;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "backfill");
        thread.setDaemon(true);
        return thread;
    });

    private final Duration followInterval;
    private final Map<String, ScheduledFuture<?>> following = new ConcurrentHashMap<>();
    private final ScheduledExecutorService follower = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "follow-appends");
        thread.setDaemon(true);
        return thread;
    });

    private record Job(BackfillLoop loop, Future<?> future) {
    }

    /**
     * One lock per target table: every batch this worker writes to a table holds it, so a backfill,
     * a follower of appended rows and a catch-up never write side by side (DuckDB refuses the second
     * of two open transactions that update the same rows).
     */
    private final Map<String, Lock> tableLocks = new ConcurrentHashMap<>();

    private final MigrationClaims claims;

    private final AutoThrottle autoThrottle;

    public Backfills(Transitions transitions, TargetRegistry targets, MigrationRepository repository, MigrationListener listener,
                     Duration followInterval, AutoThrottle autoThrottle, MigrationClaims claims) {
        this.autoThrottle = autoThrottle;
        this.claims = claims;
        this.transitions = transitions;
        this.targets = targets;
        this.repository = repository;
        this.listener = listener;
        this.followInterval = followInterval;
    }

    /**
     * Resumes every backfill that was running when the worker stopped, from its checkpoint, and every
     * follower; then every {@code followInterval} looks again for BACKFILLING migrations no worker
     * holds (their worker died) and takes them over.
     */
    public void resumeInterrupted() {
        takeOver();
        follower.scheduleWithFixedDelay(this::takeOverQuietly, followInterval.toMillis(), followInterval.toMillis(), TimeUnit.MILLISECONDS);
        for (Stage stage : List.of(Stage.BACKFILLED, Stage.VALIDATED)) {
            repository.inStage(stage).forEach(stored -> followIfNeeded(stored.migration()));
        }
    }

    /** Starts, from its checkpoint, each BACKFILLING migration that runs nowhere: claimed by no live worker. */
    private void takeOver() {
        for (StoredMigration stored : repository.inStage(Stage.BACKFILLING)) {
            String id = stored.migration().id();
            if (!jobs.containsKey(id)) {
                transitions.locked(id, () -> {
                    if (transitions.get(id).state() == Stage.BACKFILLING && startJob(id)) {
                        LOG.infof("migration %s: its backfill ran on no worker; resumed here from the checkpoint", id);
                    }
                    return null;
                });
            }
        }
    }

    private void takeOverQuietly() {
        try {
            takeOver();
        } catch (RuntimeException e) {
            LOG.warnf("looking for backfills to take over failed: %s", e.getMessage());
        }
    }

    /** Stops every backfill at its next checkpoint and waits a little for them. */
    public void shutdown() {
        follower.shutdownNow();
        jobs.values().forEach(job -> job.loop().requestStop());
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public MigrationRecord backfill(String id, String actor, String reason) {
        return startStep(id, Step.BACKFILL, actor, reason);
    }

    public MigrationRecord resume(String id, String actor, String reason) {
        return startStep(id, Step.RESUME, actor, reason);
    }

    public MigrationRecord pause(String id, String actor, String reason) {
        transitions.locked(id, () -> {
            MigrationRecord m = transitions.get(id);
            if (Steps.decide(m, Step.PAUSE) == Steps.Decision.RUN) {
                transitions.move(m, Stage.PAUSED, Stage.EXPANDED, null, Step.PAUSE, actor, reason, "");
            }
            return m;
        });
        awaitJob(id);
        return transitions.get(id);
    }

    /** Backfill and Resume both move to BACKFILLING and start the job. */
    private MigrationRecord startStep(String id, Step step, String actor, String reason) {
        return transitions.locked(id, () -> {
            MigrationRecord m = transitions.get(id);
            if (Steps.decide(m, step) == Steps.Decision.ALREADY_DONE) {
                return m;
            }
            transitions.move(m, Stage.BACKFILLING, Stage.EXPANDED, null, step, actor, reason, "");
            startJob(id);
            return transitions.get(id);
        });
    }

    /** The migration with its live progress when its backfill runs here, else as last checkpointed. */
    public BackfillProgress progress(String id) {
        MigrationRecord migration = transitions.get(id);
        Job job = jobs.get(id);
        boolean running = migration.state() == Stage.BACKFILLING;
        long done = job == null ? migration.rowsBackfilled() : job.loop().done();
        long total = job == null ? migration.rowsTotal() : job.loop().total();
        double rate = job == null ? (running ? migration.rowsPerSecond() : 0) : job.loop().rate();
        long eta = running ? RateMeter.etaSeconds(total - done, rate) : 0;
        return new BackfillProgress(migration.withProgress(total, done, rate), done, total, rate, eta, Instant.now());
    }

    /** Contract's catch-up pass, on the caller's session and thread: true when no NULL is left. */
    boolean catchUp(StoredMigration stored, TargetSession session) throws InterruptedException {
        return new BackfillLoop(repository, listener, true, AutoThrottle.NONE, tableWrites(stored.migration())).run(stored, session);
    }

    /** Hands a running backfill of {@code id}, if any, its new batch size and throttle for its next batch. */
    void retune(String id, int batchSize, int maxRowsPerSecond) {
        Job job = jobs.get(id);
        if (job != null) {
            job.loop().retune(batchSize, maxRowsPerSecond);
        }
    }

    /**
     * Stops the migration's backfill, if one runs, and waits for it: first, under the migration's
     * lock, a BACKFILLING migration becomes PAUSED, so no worker's takeover scan restarts it (it
     * starts BACKFILLING migrations whose job is not running) before the caller's step runs.
     */
    void stopForStep(String id, Step step, String actor, String reason) {
        transitions.locked(id, () -> {
            MigrationRecord m = transitions.get(id);
            if (m.state() == Stage.BACKFILLING) {
                transitions.move(m, Stage.PAUSED, Stage.EXPANDED, null, Step.PAUSE, actor,
                        "stopping the backfill for " + step.label() + ": " + reason, "");
            }
            return m;
        });
        awaitJob(id);
    }

    /**
     * Starts the backfill thread under the migration's claim; false when another worker holds the
     * claim (it runs there). A stopping predecessor here is awaited first, so two never mint ULIDs
     * side by side.
     */
    private boolean startJob(String id) {
        Job existing = jobs.get(id);
        if (existing != null) {
            if (!existing.loop().stopRequested()) {
                return true;
            }
            awaitJob(id);
        }
        Optional<MigrationClaims.Claim> claim = claims.tryClaim(id);
        if (claim.isEmpty()) {
            LOG.debugf("migration %s: another worker holds its claim and runs its backfill", id);
            return false;
        }
        BackfillLoop loop = new BackfillLoop(repository, listener, false, autoThrottle, tableWrites(transitions.get(id)));
        listener.backfillRunning(id, loop::rate, loop::done, loop::total);
        jobs.put(id, new Job(loop, executor.submit(() -> {
            try (MigrationClaims.Claim held = claim.get()) {
                runJob(id, loop);
            }
        })));
        return true;
    }

    /**
     * The job leaves {@link #jobs} before it publishes its end (BACKFILLED or FAILED), so a Backfill
     * called right after that end starts a new job instead of finding this one still listed.
     */
    private void runJob(String id, BackfillLoop loop) {
        Thread.currentThread().setName("backfill-" + id);
        boolean finished = false;
        Exception failure = null;
        try {
            StoredMigration stored = transitions.stored(id);
            try (TargetSession session = targets.open(stored.migration().spec().target())) {
                finished = loop.run(stored, session);
            }
        } catch (TargetFailure e) {
            LOG.errorf("migration %s backfill failed: %s%s", id, e.getMessage(), Transitions.engineDetail(e));
            failure = e;
        } catch (Exception e) {
            LOG.errorf(e, "migration %s backfill failed", id);
            failure = e;
        } finally {
            listener.backfillStopped(id);
            jobs.computeIfPresent(id, (key, job) -> job.loop() == loop ? null : job);
        }
        if (failure != null) {
            transitions.failBackfill(id, WORKER, failure);
        } else if (finished) {
            transitions.locked(id, () -> {
                MigrationRecord m = transitions.get(id);
                if (m.state() == Stage.BACKFILLING) {
                    transitions.move(m, Stage.BACKFILLED, Stage.BACKFILLED, null, Step.BACKFILL, WORKER, "",
                            "every row has a ULID; " + loop.done() + " of " + loop.total() + " rows");
                    followIfNeeded(m);
                }
                return m;
            });
        }
    }

    /** Starts following appended rows when the migration's engine has no write-sync trigger. */
    private void followIfNeeded(MigrationRecord m) {
        String target = m.spec().target();
        if (!targets.sqlOf(target).followsAppends() || following.containsKey(m.id())) {
            return;
        }
        LOG.infof("migration %s: following rows appended to %s.%s until Contract (the engine has no triggers), every %d ms",
                m.id(), target, m.spec().table(), followInterval.toMillis());
        following.put(m.id(), follower.scheduleWithFixedDelay(() -> follow(m.id()), followInterval.toMillis(),
                followInterval.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * One catch-up pass under the migration's lock; the session is closed at once (DuckDB lets one
     * process at a time write its file). A failed pass is logged and tried again next time: the
     * migration is not failed, since Validate and Contract catch up themselves.
     */
    private void follow(String id) {
        try {
            boolean keep = transitions.locked(id, () -> {
                StoredMigration stored = transitions.stored(id);
                MigrationRecord m = stored.migration();
                if (m.state() == Stage.BACKFILLING) {
                    return true;
                }
                if (m.effectiveState() != Stage.BACKFILLED && m.effectiveState() != Stage.VALIDATED) {
                    return false;
                }
                Optional<MigrationClaims.Claim> claim = claims.tryClaim(id);
                if (claim.isEmpty()) {
                    return true;
                }
                try (MigrationClaims.Claim held = claim.get(); TargetSession session = targets.open(m.spec().target())) {
                    BackfillLoop loop = new BackfillLoop(repository, listener, true, AutoThrottle.NONE, tableWrites(m));
                    loop.run(stored, session);
                    if (loop.written() > 0) {
                        LOG.infof("migration %s: %d appended rows given a ULID", id, loop.written());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                return true;
            });
            if (!keep) {
                unfollow(id);
            }
        } catch (RuntimeException e) {
            LOG.warnf("migration %s: following appended rows failed this time, trying again: %s%s", id, e.getMessage(),
                    Transitions.engineDetail(e));
        }
    }

    private void unfollow(String id) {
        ScheduledFuture<?> task = following.remove(id);
        if (task != null) {
            task.cancel(false);
            LOG.infof("migration %s: no longer following appended rows (state %s)", id, transitions.get(id).state());
        }
    }

    private Lock tableWrites(MigrationRecord m) {
        String table = m.spec().target() + "\u0000" + m.spec().table().toLowerCase(java.util.Locale.ROOT);
        return tableLocks.computeIfAbsent(table, key -> new ReentrantLock());
    }

    /** Asks the running backfill, if any, to stop at its next checkpoint and waits for it. */
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
}
