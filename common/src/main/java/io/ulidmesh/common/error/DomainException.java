package io.ulidmesh.common.error;

/**
 * A failure the caller should see, with a message that says what was wrong and with which value.
 * Domain code throws only these; anything else reaches a client as a bare INTERNAL.
 */
public class DomainException extends RuntimeException {
    private final ErrorKind kind;

    public DomainException(ErrorKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public DomainException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    public static DomainException invalid(String message) {
        return new DomainException(ErrorKind.INVALID_ARGUMENT, message);
    }

    public static DomainException notFound(String message) {
        return new DomainException(ErrorKind.NOT_FOUND, message);
    }

    public static DomainException alreadyExists(String message) {
        return new DomainException(ErrorKind.ALREADY_EXISTS, message);
    }

    public static DomainException conflict(String message) {
        return new DomainException(ErrorKind.CONFLICT, message);
    }

    public static DomainException failedPrecondition(String message) {
        return new DomainException(ErrorKind.FAILED_PRECONDITION, message);
    }

    public static DomainException unavailable(String message, Throwable cause) {
        return new DomainException(ErrorKind.UNAVAILABLE, message, cause);
    }
}
