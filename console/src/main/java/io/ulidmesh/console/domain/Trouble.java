package io.ulidmesh.console.domain;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A service's refusal in words for the page: which service, the status, its message, and what the
 * user can do about it. The services' messages are written for callers (no class names or driver
 * text), so they are shown as they are.
 */
public record Trouble(String service, String status, String message, String advice) {

    public static Trouble of(String service, StatusRuntimeException e) {
        Status s = e.getStatus();
        String message = s.getDescription() == null ? "" : s.getDescription();
        return new Trouble(service, s.getCode().name(), message, advice(service, s.getCode()));
    }

    /** What to do about {@code code}, in the user's terms. */
    static String advice(String service, Status.Code code) {
        return switch (code) {
            case UNAVAILABLE -> "Check that " + service + " is running and reachable from the console (./mesh status), then reload.";
            case DEADLINE_EXCEEDED -> service + " did not answer in time; reload, and check its log if it keeps happening.";
            case UNAUTHENTICATED -> "Your token was refused or has expired: sign in again with a current one.";
            case PERMISSION_DENIED -> "Your role does not allow this; ask an admin for a token with the role named above.";
            case ABORTED -> "Someone else changed it after you loaded the page: reload, review the new state, and try again.";
            case NOT_FOUND -> "Check the name or id; it may have been deleted.";
            case INVALID_ARGUMENT -> "Correct the input named above and try again.";
            case FAILED_PRECONDITION -> "The current state does not allow this; reload to see where it is now.";
            case ALREADY_EXISTS -> "It exists already; open it instead of creating it.";
            case RESOURCE_EXHAUSTED -> "Too much at once: try again with less, or later.";
            default -> "Try again; if it keeps failing, the service's log (./mesh logs " + service + ") says more.";
        };
    }
}
