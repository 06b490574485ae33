package io.ulidmesh.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class GrpcErrorMappingTest {
    @Test
    void mapsEveryKindToItsStatusKeepingTheMessage() {
        assertThat(code(DomainException.invalid("bad"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(DomainException.notFound("x"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(DomainException.alreadyExists("x"))).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(code(DomainException.conflict("x"))).isEqualTo(Status.Code.ABORTED);
        assertThat(code(DomainException.failedPrecondition("x"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(code(DomainException.unavailable("x", null))).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(GrpcErrorMapping.statusOf(DomainException.invalid("name: 'X!' is bad")).getDescription())
                .isEqualTo("name: 'X!' is bad");
    }

    @Test
    void unwrapsWrappedDomainErrors() {
        assertThat(code(new CompletionException(DomainException.notFound("gone")))).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void connectionFailuresAreUnavailable() {
        assertThat(code(new RuntimeException(new SQLException("refused", "08001")))).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void unexpectedFailuresLeakNoClassNames() {
        Status status = GrpcErrorMapping.statusOf(new IllegalStateException("secret detail"));
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).startsWith("internal error, incident ")
                .doesNotContain("IllegalStateException").doesNotContain("secret detail");
    }

    private static Status.Code code(Throwable t) {
        return GrpcErrorMapping.statusOf(t).getCode();
    }
}
