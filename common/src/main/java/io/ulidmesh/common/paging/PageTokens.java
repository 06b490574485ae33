package io.ulidmesh.common.paging;

import io.ulidmesh.common.error.DomainException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;

/**
 * Page tokens for every List RPC. A token is opaque to clients (base64url of the listing's name
 * and the position after which the next page starts) and checked when it comes back: a token of
 * another listing, or one that does not decode to a valid position, is INVALID_ARGUMENT with one
 * message everywhere.
 */
public final class PageTokens {
    private static final int MAX_TOKEN_LENGTH = 512;

    private PageTokens() {
    }

    /** The token that continues {@code listing} after {@code position}. */
    public static String issue(String listing, String position) {
        String plain = listing + "\n" + position;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position a token carries, read by {@code parse}; empty {@code token} gives
     * {@code first}. {@code parse} throws (any RuntimeException) for a position it does not accept.
     */
    public static <T> T read(String listing, String token, T first, Function<String, T> parse) {
        if (token == null || token.isEmpty()) {
            return first;
        }
        try {
            if (token.length() > MAX_TOKEN_LENGTH) {
                throw new IllegalArgumentException("too long");
            }
            String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String prefix = listing + "\n";
            if (!plain.startsWith(prefix)) {
                throw new IllegalArgumentException("another listing");
            }
            return parse.apply(plain.substring(prefix.length()));
        } catch (RuntimeException e) {
            throw DomainException.invalid("page_token is not a token this service issued for " + listing
                    + "; send the next_page_token of the previous page, or none for the first page");
        }
    }
}
