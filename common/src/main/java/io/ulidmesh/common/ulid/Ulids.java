package io.ulidmesh.common.ulid;

import com.github.f4b6a3.ulid.Ulid;
import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.common.error.DomainException;
import java.util.UUID;

/**
 * ULID text handling shared by every service: input in any case, output upper case, and a precise
 * INVALID_ARGUMENT message (length, character and position, first character above 7) otherwise.
 */
public final class Ulids {
    public static final int LENGTH = 26;
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private Ulids() {
    }

    /**
     * Parses a ULID in any case. {@code field} names the request field in the error message.
     *
     * @throws DomainException INVALID_ARGUMENT saying what is wrong with the value
     */
    public static Ulid parse(String field, String text) {
        String problem = problemWith(text);
        if (problem != null) {
            throw DomainException.invalid(field + ": " + problem);
        }
        return Ulid.from(text);
    }

    /** Null when {@code text} is a well-formed ULID, else what is wrong with it, quoting the value. */
    public static String problemWith(String text) {
        if (text == null || text.isEmpty()) {
            return "a ULID is required";
        }
        if (text.length() != LENGTH) {
            return "'" + AuditText.escape(abbreviate(text)) + "' is " + text.length() + " characters long; a ULID has " + LENGTH;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = Character.toUpperCase(text.charAt(i));
            if (c > 127 || ALPHABET.indexOf(c) < 0) {
                return "'" + AuditText.escape(text) + "' has '" + AuditText.escape(String.valueOf(text.charAt(i))) + "' at position " + (i + 1)
                        + ", which is not Crockford base32 (0-9, A-Z without I, L, O, U)";
            }
        }
        if (text.charAt(0) > '7') {
            return "'" + text + "' starts with '" + text.charAt(0) + "'; the first character of a ULID is 0-7";
        }
        return null;
    }

    /** True when {@code text} is a well-formed ULID in any case. */
    public static boolean isValid(String text) {
        return problemWith(text) == null;
    }

    /** The canonical (upper-case) text form. */
    public static String format(Ulid ulid) {
        return ulid.toString();
    }

    /** The 16 bytes of a ULID as a UUID, for PostgreSQL's {@code uuid} type; order is preserved. */
    public static UUID toUuid(Ulid ulid) {
        return ulid.toUuid();
    }

    public static Ulid fromUuid(UUID uuid) {
        return Ulid.from(uuid);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
