package io.ulidmesh.flags.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** How the domain tests assert a refusal: its kind and what its message says. */
final class Refusals {
    private Refusals() {
    }

    static void assertRefused(ErrorKind kind, ThrowingCallable call, String... messageParts) {
        DomainException e = catchThrowableOfType(DomainException.class, call);
        assertThat(e).as("expected a refusal of kind %s", kind).isNotNull();
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
        for (String part : messageParts) {
            assertThat(e.getMessage()).contains(part);
        }
    }
}
