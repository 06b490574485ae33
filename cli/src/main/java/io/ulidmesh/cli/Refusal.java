package io.ulidmesh.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.cli.Mesh.Service;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One line for a call the mesh refused: the status, the service's words, and what to do about it. */
final class Refusal {
    private static final Pattern NEEDS_ROLE = Pattern.compile("needs role (\\w+)");

    private Refusal() {
    }

    static String line(StatusRuntimeException e, Mesh.Failure where, Settings settings) {
        Status status = e.getStatus();
        String code = status.getCode().name();
        String said = status.getDescription() == null ? "" : status.getDescription();
        String service = where == null ? "the service" : where.service().displayName + " at " + where.address();
        return switch (status.getCode()) {
            case UNAVAILABLE -> unreachable(status)
                    ? code + ": " + service + " cannot be reached (" + cause(status) + ") — start it (./mesh up) or point "
                            + (where == null ? "the address options" : where.service().option + " / " + where.service().variable)
                            + " at it"
                    : code + ": " + said + " (" + service + ") — retry later";
            case UNAUTHENTICATED -> code + ": " + said + " — use a valid token: --token-file FILE or ULIDMESH_TOKEN_FILE"
                    + " (token: " + settings.tokenSource() + ")";
            case PERMISSION_DENIED -> {
                Matcher m = NEEDS_ROLE.matcher(said);
                yield code + ": " + said + " — use a token with role " + (m.find() ? m.group(1) : "high enough") + " (--token-file)";
            }
            case NOT_FOUND -> code + ": " + said + " — check the name or id" + listHint(where);
            case INVALID_ARGUMENT -> code + ": " + said + " — fix the value it names and run again";
            case FAILED_PRECONDITION -> code + ": " + said + " — it is not in the state this needs" + stateHint(where);
            case ABORTED -> code + ": " + said + " — it changed meanwhile: read it again and retry";
            case ALREADY_EXISTS -> code + ": " + said + " — it exists already with other content";
            case DEADLINE_EXCEEDED -> code + ": " + service + " did not answer within " + Mesh.CALL_SECONDS + "s — retry later";
            default -> code + ": " + (said.isEmpty() ? "no detail" : said) + " (" + service + ")";
        };
    }

    /** UNAVAILABLE because no connection could be made, rather than a service saying it cannot serve now. */
    private static boolean unreachable(Status status) {
        String d = status.getDescription() == null ? "" : status.getDescription();
        return status.getCause() != null || d.startsWith("io exception") || d.contains("Connection refused")
                || d.startsWith("Unable to resolve host") || d.contains("Network closed");
    }

    private static String cause(Status status) {
        Throwable c = status.getCause();
        while (c != null && c.getCause() != null && c.getMessage() == null) {
            c = c.getCause();
        }
        String text = c != null && c.getMessage() != null ? c.getMessage() : status.getDescription();
        return text == null ? "no answer" : text;
    }

    private static String listHint(Mesh.Failure where) {
        if (where == null) {
            return "";
        }
        return switch (where.service()) {
            case CONTROLLER -> " (ulidmesh rollout list)";
            case FLAGS -> " (ulidmesh flags list)";
            case WORKER -> " (ulidmesh migrate list, ulidmesh migrate targets)";
            case RESOLUTION -> "";
        };
    }

    private static String stateHint(Mesh.Failure where) {
        if (where == null) {
            return "";
        }
        return where.service() == Service.CONTROLLER ? " (ulidmesh rollout get ID)"
                : where.service() == Service.WORKER ? " (ulidmesh migrate status ID)" : "";
    }
}
