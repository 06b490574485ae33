package io.ulidmesh.resolution.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.ulid.UlidCreator;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextPoolTest {

    @Test
    void equalTextsShareOneCopyUpToTheBound() {
        TextPool pool = new TextPool(2);
        String first = pool.canonical(new String("crackerjack"));
        assertThat(pool.canonical(new String("crackerjack"))).isSameAs(first);
        pool.canonical("otp");
        String third = new String("beyond-the-bound");
        assertThat(pool.canonical(third)).as("past the bound a text is kept as it is").isSameAs(third);
        assertThat(pool.canonical(new String("beyond-the-bound"))).isNotSameAs(third);
    }

    @Test
    void aCompactedReferenceIsEqualAndSharesItsLowCardinalityFields() {
        TextPool pool = new TextPool(100);
        RegisteredReference a = reference("jobs/1");
        RegisteredReference b = reference("jobs/2");
        RegisteredReference ca = pool.compact(a);
        RegisteredReference cb = pool.compact(b);
        assertThat(ca).isEqualTo(a);
        assertThat(cb.system()).isSameAs(ca.system());
        assertThat(cb.referenceType()).isSameAs(ca.referenceType());
        assertThat(cb.registeredBy()).isSameAs(ca.registeredBy());
        assertThat(pool.compact(cb)).as("already shared: nothing rebuilt").isSameAs(cb);
    }

    private static RegisteredReference reference(String ref) {
        return new RegisteredReference(UlidCreator.getMonotonicUlid(), new String("crackerjack"), new String("job"), ref,
                Map.of(), Instant.parse("2026-11-30T00:00:00Z"), new String("alice"));
    }
}
