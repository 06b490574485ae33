package io.ulidmesh.migration.domain.target;

/**
 * A target database refused or failed a statement. The message is the worker's own summary (what
 * kind of failure, and the engine's code), safe to show callers; the engine's own text, which may
 * name roles, hosts, files or row values, stays in the cause and goes only to the worker's log.
 */
public class TargetFailure extends RuntimeException {
    private final boolean lockNotGranted;

    public TargetFailure(String summary, Throwable engineError) {
        this(summary, engineError, false);
    }

    /** {@code lockNotGranted}: the statement gave up waiting for a lock (PostgreSQL's lock_timeout), so a retry may pass. */
    public TargetFailure(String summary, Throwable engineError, boolean lockNotGranted) {
        super(summary, engineError);
        this.lockNotGranted = lockNotGranted;
    }

    public boolean lockNotGranted() {
        return lockNotGranted;
    }

    /** The engine's own message, for the log only. */
    public String engineMessage() {
        return getCause() == null || getCause().getMessage() == null ? getMessage() : getCause().getMessage();
    }
}
