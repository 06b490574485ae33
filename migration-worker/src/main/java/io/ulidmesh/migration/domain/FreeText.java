package io.ulidmesh.migration.domain;

import io.ulidmesh.common.error.DomainException;

/**
 * Rules for text a caller chooses freely. NUL is refused everywhere (drivers and C libraries cut
 * strings at it); text the worker logs or records as audit (reasons, user names) must be one line
 * without control characters, so no value can forge a log line or drive a terminal. Messages name
 * the field and the position, never the value, which may be a secret.
 */
public final class FreeText {
    private FreeText() {
    }

    /** {@code value} unless it holds a NUL character. */
    public static String withoutNul(String field, String value) {
        int at = value == null ? -1 : value.indexOf('\0');
        if (at >= 0) {
            throw DomainException.invalid(field + " contains a NUL character (U+0000) at position " + at);
        }
        return value;
    }

    /** {@code value} unless it holds a control character (NUL, newline, ESC, ...). */
    public static String singleLine(String field, String value) {
        withoutNul(field, value);
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.getType(c) == Character.CONTROL) {
                throw DomainException.invalid(String.format("%s contains the control character U+%04X at position %d;"
                        + " it is logged, so it must be one line of printable text", field, (int) c, i));
            }
        }
        return value;
    }
}
