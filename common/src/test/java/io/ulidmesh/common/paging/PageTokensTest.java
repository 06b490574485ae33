package io.ulidmesh.common.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

class PageTokensTest {
    @Test
    void aTokenCarriesItsPositionBackAndHidesIt() {
        String token = PageTokens.issue("flags", "use_v2_coordinator");
        assertThat(token).doesNotContain("use_v2");
        assertThat(PageTokens.read("flags", token, "", s -> s)).isEqualTo("use_v2_coordinator");
    }

    @Test
    void noTokenIsTheFirstPage() {
        assertThat(PageTokens.read("history", "", Long.MAX_VALUE, Long::parseLong)).isEqualTo(Long.MAX_VALUE);
        assertThat(PageTokens.read("history", null, 7L, Long::parseLong)).isEqualTo(7L);
    }

    @Test
    void forgedTokensAreRefusedWithOneMessage() {
        String otherListing = PageTokens.issue("flags", "42");
        for (String forged : new String[] {"not base64!", "Zm9v", otherListing, PageTokens.issue("history", "x1"),
                "A".repeat(600)}) {
            assertThatThrownBy(() -> PageTokens.read("history", forged, 0L, Long::parseLong))
                    .isInstanceOfSatisfying(DomainException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).startsWith("page_token is not a token this service issued for history");
                    });
        }
    }
}
