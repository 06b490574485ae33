package io.ulidmesh.rollout.peers;

/** A call to a peer failed; transient failures are retried, others fail the step. */
public class PeerException extends RuntimeException {
    private final boolean transientFailure;

    public PeerException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause, false, false);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    static PeerException of(String what, io.grpc.StatusRuntimeException e) {
        io.grpc.Status.Code code = e.getStatus().getCode();
        boolean retry = code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED
                || code == io.grpc.Status.Code.RESOURCE_EXHAUSTED || code == io.grpc.Status.Code.ABORTED
                || code == io.grpc.Status.Code.INTERNAL || code == io.grpc.Status.Code.UNKNOWN;
        String detail = e.getStatus().getDescription();
        return new PeerException(what + " failed: " + code + (detail == null ? "" : " " + detail), retry, e);
    }
}
