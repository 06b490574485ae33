package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetRegistry;
import io.ulidmesh.migration.domain.target.TargetSession;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Backfill, Pause and Resume: each migration's backfill runs on a thread of its own, at most one at
 * a time, and is picked up again at startup when the worker died while it ran.
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

    private record Job(BackfillLoop loop, Future<?> future) {
    }

    public Backfills(Transitions transitions, TargetRegistry targets, MigrationRepository repository, MigrationListener listener) {
        this.transitions = transitions;
        this.targets = targets;
        this.repository = repository;
        this.listener = listener;
    }

    /** Resumes every backfill that was running when the worker stopped, from its checkpoint. */
    public void resumeInterrupted() {
        for (StoredMigration stored : repository.inStage(Stage.BACKFILLING)) {
            LOG.infof("migration %s: resuming its backfill from the checkpoint after a restart", stored.migration().id());
            startJob(stored.migration().id());
        }
    }

    /** Stops every backfill at its next checkpoint and waits a little for them. */
    public void shutdown() {
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
        return new BackfillLoop(repository, listener).run(stored, session);
    }

    /** Stops the migration's backfill, if one runs, and waits for it. */
    void stop(String id) {
        awaitJob(id);
    }

    /** Starts the backfill thread; a stopping predecessor is awaited first, so two never mint ULIDs side by side. */
    private void startJob(String id) {
        Job existing = jobs.get(id);
        if (existing != null) {
            if (!existing.loop().stopRequested()) {
                return;
            }
            awaitJob(id);
        }
        BackfillLoop loop = new BackfillLoop(repository, listener);
        listener.backfillRunning(id, loop::rate, loop::done, loop::total);
        jobs.put(id, new Job(loop, executor.submit(() -> runJob(id, loop))));
    }

    private void runJob(String id, BackfillLoop loop) {
        Thread.currentThread().setName("backfill-" + id);
        try {
            StoredMigration stored = transitions.stored(id);
            boolean finished;
            try (TargetSession session = targets.open(stored.migration().spec().target())) {
                finished = loop.run(stored, session);
            }
            if (finished) {
                transitions.locked(id, () -> {
                    MigrationRecord m = transitions.get(id);
                    if (m.state() == Stage.BACKFILLING) {
                        transitions.move(m, Stage.BACKFILLED, Stage.BACKFILLED, null, Step.BACKFILL, WORKER, "",
                                "every row has a ULID; " + loop.done() + " of " + loop.total() + " rows");
                    }
                    return m;
                });
            }
        } catch (TargetFailure e) {
            LOG.errorf("migration %s backfill failed: %s%s", id, e.getMessage(), Transitions.engineDetail(e));
            transitions.failBackfill(id, WORKER, e);
        } catch (Exception e) {
            LOG.errorf(e, "migration %s backfill failed", id);
            transitions.failBackfill(id, WORKER, e);
        } finally {
            listener.backfillStopped(id);
            jobs.computeIfPresent(id, (key, job) -> job.loop() == loop ? null : job);
        }
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
