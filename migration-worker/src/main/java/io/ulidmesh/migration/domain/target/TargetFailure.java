package io.ulidmesh.migration.domain.target;

/**
 * A target database refused or failed a statement. The message is the worker's own summary (what
 * kind of failure, and the engine's code), safe to show callers; the engine's own text, which may
 * name roles, hosts, files or row values, stays in the cause and goes only to the worker's log.
 */
public class TargetFailure extends RuntimeException {
    /** Whether trying the same statement again may pass. */
    public enum Transience {
        /** Retrying changes nothing. */
        NONE,
        /** The statement gave up waiting for a lock (PostgreSQL's lock_timeout). */
        LOCK_NOT_GRANTED,
        /** A concurrent transaction wrote the same rows (a deadlock, a serialization failure, DuckDB's write-write conflict); the work was rolled back. */
        CONCURRENT_WRITE
    }

    private final Transience transience;

    public TargetFailure(String summary, Throwable engineError) {
        this(summary, engineError, Transience.NONE);
    }

    public TargetFailure(String summary, Throwable engineError, Transience transience) {
        super(summary, engineError);
        this.transience = transience;
    }

    public boolean lockNotGranted() {
        return transience == Transience.LOCK_NOT_GRANTED;
    }

    public boolean concurrentWrite() {
        return transience == Transience.CONCURRENT_WRITE;
    }

    /** The engine's own message, for the log only. */
    public String engineMessage() {
        return getCause() == null || getCause().getMessage() == null ? getMessage() : getCause().getMessage();
    }
}
