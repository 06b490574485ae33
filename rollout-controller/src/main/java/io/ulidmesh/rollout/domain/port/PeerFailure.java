package io.ulidmesh.rollout.domain.port;

/** A call to a peer (flag-service, migration-worker, Prometheus, a health endpoint) failed; transient ones are retried. */
public class PeerFailure extends RuntimeException {
    private final boolean transientFailure;

    public PeerFailure(String message, boolean transientFailure, Throwable cause) {
        super(message, cause, false, false);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
