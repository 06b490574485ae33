package io.ulidmesh.common.text;

import io.ulidmesh.common.error.DomainException;
import java.util.Locale;
import java.util.Map;

/**
 * Text from requests that ends up in log lines, events and audit records. Control characters are
 * refused, naming the field, rather than escaped: a refused value is never stored, so no log line
 * or event can be forged and nothing that reads them later needs to un-escape. Messages name the
 * field and the position, never the value, which may be a secret.
 */
public final class InputText {
    private InputText() {
    }

    /** {@code value} when it holds no control character; INVALID_ARGUMENT naming {@code field} otherwise. */
    public static String plain(String field, String value) {
        String problem = problem(value, false);
        if (problem != null) {
            throw DomainException.invalid(field + ": " + problem);
        }
        return value;
    }

    /** {@code value} unless it holds a NUL (drivers and C libraries cut strings at it); other characters pass. */
    public static String withoutNul(String field, String value) {
        int at = value == null ? -1 : value.indexOf('\0');
        if (at >= 0) {
            throw DomainException.invalid(field + ": control character U+0000 at position " + (at + 1) + " is not allowed");
        }
        return value;
    }

    /** Every key and value of {@code map} checked as {@link #plain}, naming {@code field[key]}. */
    public static void plain(String field, Map<String, String> map) {
        map.forEach((k, v) -> {
            plain(field + " (a key)", k);
            plain(field + "[" + k + "]", v);
        });
    }

    /**
     * What is wrong with {@code value}: its first control character and where it is, or null.
     * {@code multiLine} allows tab, line feed and carriage return.
     */
    public static String problem(String value, boolean multiLine) {
        if (value == null) {
            return null;
        }
        int line = 1;
        int column = 1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean whitespace = c == '\t' || c == '\n' || c == '\r';
            if (Character.getType(c) == Character.CONTROL && !(multiLine && whitespace)) {
                String code = String.format(Locale.ROOT, "U+%04X", (int) c);
                return "control character " + code + " at " + (multiLine ? "line " + line + ", column " + column
                        : "position " + (i + 1)) + " is not allowed" + (multiLine ? " (only tab and line breaks are)" : "");
            }
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return null;
    }
}
