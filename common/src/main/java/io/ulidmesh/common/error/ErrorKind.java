package io.ulidmesh.common.error;

/** What kind of failure a {@link DomainException} is; {@link GrpcErrorMapping} turns each into one gRPC status. */
public enum ErrorKind {
    /** The request itself is malformed: a bad ULID, name, range or size. */
    INVALID_ARGUMENT,
    /** The thing asked for does not exist. */
    NOT_FOUND,
    /** The thing to create exists already with other content. */
    ALREADY_EXISTS,
    /** An optimistic-concurrency check failed (stale expected_version); retrying after a re-read may work. */
    CONFLICT,
    /** The system is not in the state the operation needs (a step out of order, a missing link end). */
    FAILED_PRECONDITION,
    /** A dependency (database, peer service) cannot be reached right now. */
    UNAVAILABLE
}
