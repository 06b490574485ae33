package io.ulidmesh.migration.domain.target;

/**
 * A target database refused or failed a statement. The message is the worker's own summary (what
 * kind of failure, and the engine's code), safe to show callers; the engine's own text, which may
 * name roles, hosts, files or row values, stays in the cause and goes only to the worker's log.
 */
public class TargetFailure extends RuntimeException {
    public TargetFailure(String summary, Throwable engineError) {
        super(summary, engineError);
    }

    /** The engine's own message, for the log only. */
    public String engineMessage() {
        return getCause() == null || getCause().getMessage() == null ? getMessage() : getCause().getMessage();
    }
}
