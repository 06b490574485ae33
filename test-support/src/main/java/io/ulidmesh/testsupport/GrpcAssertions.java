package io.ulidmesh.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The one way every test asserts a refused call: its exact status code and what its message says. */
public final class GrpcAssertions {
    private GrpcAssertions() {
    }

    /**
     * Asserts that {@code call} fails with {@code code} and a description containing every one of
     * {@code messageParts}; returns the status for further checks.
     */
    public static Status assertStatus(Status.Code code, ThrowingCallable call, String... messageParts) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(e).as("expected the call to fail with %s", code).isNotNull();
        Status status = e.getStatus();
        assertThat(status.getCode()).as("status of a call that failed with '%s'", status.getDescription())
                .isEqualTo(code);
        for (String part : messageParts) {
            assertThat(status.getDescription()).as("description of %s", code).contains(part);
        }
        return status;
    }
}
