package io.ulidmesh.console.web;

import io.grpc.StatusRuntimeException;
import io.ulidmesh.console.domain.Session;
import io.ulidmesh.console.domain.Trouble;
import jakarta.ws.rs.core.Response;

/** A service's refusal as a page with the matching HTTP status. */
final class Refusals {
    private Refusals() {
    }

    static int httpStatus(StatusRuntimeException e) {
        return switch (e.getStatus().getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ABORTED, ALREADY_EXISTS, FAILED_PRECONDITION -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case DEADLINE_EXCEEDED -> 504;
            default -> 502;
        };
    }

    /** A page saying what went wrong, then {@code more} (e.g. the form again, or a link back). */
    static Response page(String title, Session s, String service, StatusRuntimeException e, String more) {
        return Web.html(httpStatus(e), Html.page(title, s, Html.trouble(Trouble.of(service, e)) + more));
    }
}
