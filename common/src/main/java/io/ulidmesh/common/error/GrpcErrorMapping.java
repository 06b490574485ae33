package io.ulidmesh.common.error;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one table that maps domain errors to gRPC status for a whole service. Domain messages pass
 * through as they are; anything unexpected becomes INTERNAL with an incident id that is logged
 * beside the stack trace, so no class name or trace ever reaches a client.
 */
@ApplicationScoped
public class GrpcErrorMapping implements ExceptionHandlerProvider {
    private static final Logger LOG = Logger.getLogger(GrpcErrorMapping.class);

    private static final Map<ErrorKind, Status.Code> CODES = Map.of(
            ErrorKind.INVALID_ARGUMENT, Status.Code.INVALID_ARGUMENT,
            ErrorKind.NOT_FOUND, Status.Code.NOT_FOUND,
            ErrorKind.ALREADY_EXISTS, Status.Code.ALREADY_EXISTS,
            ErrorKind.CONFLICT, Status.Code.ABORTED,
            ErrorKind.FAILED_PRECONDITION, Status.Code.FAILED_PRECONDITION,
            ErrorKind.UNAVAILABLE, Status.Code.UNAVAILABLE);

    /** The gRPC status a throwable becomes; public so that bulk RPCs can report per-item codes. */
    public static Status statusOf(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof DomainException domain) {
            return Status.fromCode(CODES.get(domain.kind())).withDescription(domain.getMessage());
        }
        if (t instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (t instanceof StatusException se) {
            return se.getStatus();
        }
        if (t instanceof SQLTransientException || isConnectionFailure(t)) {
            LOG.warnf("database unavailable: %s", t.getMessage());
            return Status.UNAVAILABLE.withDescription("the service's database is unavailable; retry later");
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(t, "internal error, incident %s", incident);
        return Status.INTERNAL.withDescription("internal error, incident " + incident);
    }

    @Override
    public Throwable transform(Throwable failure) {
        return statusOf(failure).asException();
    }

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(
            ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata trailers) {
                serverCall.close(statusOf(failure), trailers);
            }
        };
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while (current.getCause() != null
                && !(current instanceof DomainException)
                && !(current instanceof StatusRuntimeException)
                && !(current instanceof StatusException)
                && !(current instanceof SQLException)) {
            current = current.getCause();
        }
        return current;
    }

    private static boolean isConnectionFailure(Throwable t) {
        // SQLState class 08 is "connection exception" in every engine we talk to.
        return t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08");
    }
}
