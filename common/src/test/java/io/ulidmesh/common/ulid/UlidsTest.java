package io.ulidmesh.common.ulid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.f4b6a3.ulid.UlidCreator;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

class UlidsTest {
    @Test
    void acceptsAnyCaseAndFormatsUpperCase() {
        String upper = UlidCreator.getMonotonicUlid().toString();
        assertThat(Ulids.format(Ulids.parse("ulid", upper.toLowerCase()))).isEqualTo(upper);
    }

    @Test
    void namesTheLength() {
        assertThatThrownBy(() -> Ulids.parse("ulid", "01ARZ3NDEK"))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).isEqualTo("ulid: '01ARZ3NDEK' is 10 characters long; a ULID has 26");
                });
    }

    @Test
    void namesTheCharacterAndPosition() {
        assertThat(Ulids.problemWith("01ARZ3NDEKTSV4RRFFQ69G5FAU"))
                .contains("'U' at position 26");
        assertThat(Ulids.problemWith("01ARZ3NDEKTSV4RRFFQ69G5F-V"))
                .contains("'-' at position 25");
    }

    @Test
    void refusesFirstCharacterAboveSeven() {
        assertThat(Ulids.problemWith("81ARZ3NDEKTSV4RRFFQ69G5FAV")).contains("first character of a ULID is 0-7");
        assertThat(Ulids.problemWith("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")).isNull();
    }

    @Test
    void refusesEmpty() {
        assertThat(Ulids.problemWith("")).isEqualTo("a ULID is required");
        assertThat(Ulids.problemWith(null)).isEqualTo("a ULID is required");
    }

    @Test
    void uuidRoundTripKeepsOrder() {
        var a = UlidCreator.getMonotonicUlid();
        var b = UlidCreator.getMonotonicUlid();
        assertThat(Ulids.fromUuid(Ulids.toUuid(a))).isEqualTo(a);
        // PostgreSQL compares uuid bytes unsigned, like ULIDs compare; check the byte order matches.
        assertThat(compareUnsigned(Ulids.toUuid(a).toString(), Ulids.toUuid(b).toString())).isNegative();
    }

    private static int compareUnsigned(String uuidA, String uuidB) {
        return uuidA.compareTo(uuidB);
    }

    @Test
    void controlCharactersInABadValueAreEscapedInTheMessage() {
        assertThat(Ulids.problemWith("01ARZ3NDEKTSV4RRFFQ69G5FA\n")).contains("01ARZ3NDEKTSV4RRFFQ69G5FA\\n").doesNotContain("\n");
        assertThat(Ulids.problemWith("bad\u001b[31m")).contains("\\u001b").doesNotContain("\u001b");
    }
}
