package io.ulidmesh.common.actor;

/**
 * Text that goes into audit records and log lines (actors, reasons). Control characters are
 * escaped ({@code \n} becomes the two characters {@code \} {@code n}, ESC becomes {@code \u001b}),
 * so no value can forge a log line or drive a terminal.
 */
public final class AuditText {
    private AuditText() {
    }

    public static String escape(String text) {
        if (text == null || text.chars().noneMatch(AuditText::isControl)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isControl(c)) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    private static boolean isControl(int c) {
        return Character.getType(c) == Character.CONTROL;
    }
}
