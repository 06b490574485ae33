package io.ulidmesh.migration.domain;

import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.migration.domain.target.TargetFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Moves migrations between stages. The steps of one migration are serialized by its lock; every
 * move is a compare-and-set on the stage that was read, logged with actor and reason, counted, and
 * written to the migration's event log.
 */
public class Transitions {
    private static final Logger LOG = Logger.getLogger(Transitions.class);

    private final MigrationRepository repository;
    private final MigrationListener listener;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public Transitions(MigrationRepository repository, MigrationListener listener) {
        this.repository = repository;
        this.listener = listener;
    }

    /** Runs {@code body} holding the migration's lock. */
    public <T> T locked(String id, Supplier<T> body) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    public StoredMigration stored(String id) {
        return repository.find(id).orElseThrow(() -> DomainException.notFound("migration " + id + " does not exist"));
    }

    public MigrationRecord get(String id) {
        return stored(id).migration();
    }

    /** Moves {@code m} on; CONFLICT when another move came first. */
    public void move(MigrationRecord m, Stage next, Stage settled, Long baseline, Step step, String actor, String reason, String detail) {
        if (!repository.transition(m.id(), m.state(), next, settled, "", baseline, new Change(step.label(), actor, reason, detail))) {
            throw DomainException.conflict("migration " + m.id() + " changed state meanwhile; read it again and retry");
        }
        listener.stepDone(step, true);
        LOG.infof("migration %s %s by %s: %s -> %s%s%s", m.id(), step.label(), actor, m.state(), next,
                reason == null || reason.isBlank() ? "" : " (reason: " + reason + ")", detail.isEmpty() ? "" : "; " + detail);
    }

    /**
     * Records that {@code step} failed on the target: FAILED, settled where the migration was, so
     * the step can be retried. Returns the FAILED_PRECONDITION to answer with.
     */
    public DomainException fail(MigrationRecord m, Step step, String actor, Exception e) {
        String message = message(e);
        Stage current = get(m.id()).state();
        repository.transition(m.id(), current, Stage.FAILED, m.effectiveState(), message, null,
                new Change(step.label(), actor, "", message));
        listener.stepDone(step, false);
        LOG.errorf("migration %s %s by %s failed: %s -> FAILED (settled %s): %s%s", m.id(), step.label(), actor, current,
                m.effectiveState(), message, engineDetail(e));
        return DomainException.failedPrecondition(step.label() + " of migration " + m.id() + " failed on target '"
                + m.spec().target() + "': " + message);
    }

    /** A background backfill failed: FAILED (settled EXPANDED, so Backfill may run again) unless something moved it meanwhile. */
    void failBackfill(String id, String actor, Exception e) {
        locked(id, () -> {
            MigrationRecord m = get(id);
            if (m.state() == Stage.BACKFILLING) {
                repository.transition(id, m.state(), Stage.FAILED, Stage.EXPANDED, message(e), null,
                        new Change(Step.BACKFILL.label(), actor, "", message(e)));
                listener.stepDone(Step.BACKFILL, false);
            }
            return m;
        });
    }

    /**
     * What callers see (the reply and {@code last_error}): the worker's own words only. A target's
     * failure is summarized by the store; the engine's text, which may name roles, files or row
     * values, goes to the log alone ({@link #engineDetail}).
     */
    static String message(Exception e) {
        if (e instanceof TargetFailure || e instanceof DomainException) {
            return e.getMessage();
        }
        if (e instanceof InterruptedException) {
            return "interrupted: the worker is stopping";
        }
        return "unexpected error; the worker's log has it";
    }

    /** The engine's own text for the log line, escaped so that it cannot forge lines. */
    static String engineDetail(Exception e) {
        return e instanceof TargetFailure failure ? "; engine: " + AuditText.escape(failure.engineMessage()) : "";
    }
}
