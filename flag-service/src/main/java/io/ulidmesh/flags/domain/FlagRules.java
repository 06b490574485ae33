package io.ulidmesh.flags.domain;

import io.ulidmesh.common.actor.AuditText;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.flags.client.CohortHash;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Input rules of the flag RPCs; each violation names the value that broke it. */
public final class FlagRules {
    public static final int MAX_BATCH_PAIRS = 10_000;
    /** The most flags one SetFlags changes; a rollout phase sets a handful. */
    public static final int MAX_FLAGS_PER_WRITE = 100;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,127}");
    private static final int MAX_TEXT = 4096;
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private FlagRules() {
    }

    private static boolean isName(String name) {
        return NAME.matcher(name).matches();
    }

    public static String name(String name) {
        if (!isName(name)) {
            throw DomainException.invalid("flag name '" + quoted(name) + "' must match [a-z][a-z0-9_.-]{0,127}");
        }
        return name;
    }

    /** A cohort follows the flag-name rule, since a flag's own name is its default cohort. */
    public static String cohort(String cohort) {
        if (!cohort.isEmpty() && !isName(cohort)) {
            throw DomainException.invalid("cohort '" + quoted(cohort) + "' must match [a-z][a-z0-9_.-]{0,127}");
        }
        return cohort;
    }

    /**
     * Any string field: U+0000 is refused, naming the field (PostgreSQL text cannot hold it, and
     * no flag name or entity id has one). Other control characters are left to the field's own rule.
     */
    public static String withoutNul(String field, String value) {
        int at = value.indexOf('\u0000');
        if (at >= 0) {
            throw DomainException.invalid(field + " has a NUL character (U+0000) at position " + at);
        }
        return value;
    }

    /** A caller's value as quoted in a message: at most 130 characters, control characters escaped. */
    private static String quoted(String value) {
        return AuditText.escape(value.length() <= 130 ? value : value.substring(0, 127) + "...");
    }

    public static int basisPoints(int basisPoints) {
        if (basisPoints < 0 || basisPoints > CohortHash.ALL) {
            throw DomainException.invalid("basis_points " + basisPoints + " is outside 0..10000");
        }
        return basisPoints;
    }

    /** 0..100 with at most two decimals, judged on the double's shortest decimal form. */
    public static int basisPointsOfPercentage(double percentage) {
        if (Double.isNaN(percentage) || Double.isInfinite(percentage) || percentage < 0 || percentage > 100) {
            throw DomainException.invalid("percentage " + percentage + " is outside 0..100");
        }
        BigDecimal exact = BigDecimal.valueOf(percentage).stripTrailingZeros();
        if (exact.scale() > 2) {
            throw DomainException.invalid("percentage " + percentage + " has more than two decimals (0.01 % steps)");
        }
        return exact.movePointRight(2).intValueExact();
    }

    public static long expectedVersion(long expectedVersion) {
        if (expectedVersion < 0) {
            throw DomainException.invalid("expected_version " + expectedVersion + " is negative");
        }
        return expectedVersion;
    }

    /**
     * Compare-and-set: {@code expected} 0 accepts any state; otherwise the flag must exist at exactly
     * that version (CONFLICT, which the caller may retry after a fresh read).
     */
    public static void checkExpectedVersion(String name, long expected, FlagState current) {
        if (expected == 0) {
            return;
        }
        if (current == null) {
            throw DomainException.conflict("flag '" + name + "' does not exist, but expected_version is " + expected);
        }
        if (current.version() != expected) {
            throw DomainException.conflict("flag '" + name + "' is at version " + current.version()
                    + ", not the expected_version " + expected);
        }
    }

    /** Free text (reason, description): any characters but NUL, kept as sent; log lines escape it. */
    public static String text(String field, String value) {
        if (value.length() > MAX_TEXT) {
            throw DomainException.invalid(field + " is " + value.length() + " characters long, more than " + MAX_TEXT);
        }
        return withoutNul(field, value);
    }

    public static int pageSize(int pageSize) {
        if (pageSize < 0) {
            throw DomainException.invalid("page_size " + pageSize + " is negative");
        }
        return pageSize == 0 ? DEFAULT_PAGE : Math.min(pageSize, MAX_PAGE);
    }

    public static long afterRevision(long afterRevision) {
        if (afterRevision < 0) {
            throw DomainException.invalid("after_revision " + afterRevision + " is negative");
        }
        return afterRevision;
    }

    public static void batchSize(int flags, int entities) {
        if ((long) flags * entities > MAX_BATCH_PAIRS) {
            throw DomainException.invalid(flags + " flags x " + entities + " entity_ids = " + (long) flags * entities
                    + " pairs, more than " + MAX_BATCH_PAIRS);
        }
    }

    public static void writeCount(int flags) {
        if (flags < 1 || flags > MAX_FLAGS_PER_WRITE) {
            throw DomainException.invalid("a write sets 1 to " + MAX_FLAGS_PER_WRITE + " flags, not " + flags);
        }
    }
}
