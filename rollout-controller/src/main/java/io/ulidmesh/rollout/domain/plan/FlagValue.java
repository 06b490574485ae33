package io.ulidmesh.rollout.domain.plan;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/** A flag value a phase sets: {@code on}, {@code off} or a percentage with up to two decimals. */
public record FlagValue(int basisPoints) {
    public static final int ON = 10_000;

    public FlagValue {
        if (basisPoints < 0 || basisPoints > ON) {
            throw new IllegalArgumentException("basis points outside 0..10000: " + basisPoints);
        }
    }

    /** Parses {@code on|off|true|false|N%}; empty when the text is none of these. */
    public static Optional<FlagValue> parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "on", "true", "yes" -> {
                return Optional.of(new FlagValue(ON));
            }
            case "off", "false", "no" -> {
                return Optional.of(new FlagValue(0));
            }
            default -> {
            }
        }
        if (!t.endsWith("%")) {
            return Optional.empty();
        }
        try {
            BigDecimal percent = new BigDecimal(t.substring(0, t.length() - 1).strip());
            if (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0 || percent.stripTrailingZeros().scale() > 2) {
                return Optional.empty();
            }
            return Optional.of(new FlagValue(percent.movePointRight(2).intValueExact()));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** {@code on}, {@code off} or the percentage, e.g. {@code 10%}, {@code 0.5%}. */
    public String text() {
        if (basisPoints == ON) {
            return "on";
        }
        if (basisPoints == 0) {
            return "off";
        }
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
    }
}
