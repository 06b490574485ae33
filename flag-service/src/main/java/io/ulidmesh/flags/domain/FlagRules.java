package io.ulidmesh.flags.domain;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.flags.client.CohortHash;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/** Input rules of the flag RPCs; each violation names the value that broke it. */
public final class FlagRules {
    public static final int MAX_BATCH_PAIRS = 10_000;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,127}");
    private static final int MAX_TEXT = 4096;
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private FlagRules() {
    }

    public static boolean isName(String name) {
        return NAME.matcher(name).matches();
    }

    public static String name(String name) {
        if (!isName(name)) {
            throw DomainException.invalid("flag name '" + name + "' must match [a-z][a-z0-9_.-]{0,127}");
        }
        return name;
    }

    /** A cohort follows the flag-name rule, since a flag's own name is its default cohort. */
    public static String cohort(String cohort) {
        if (!cohort.isEmpty() && !isName(cohort)) {
            throw DomainException.invalid("cohort '" + cohort + "' must match [a-z][a-z0-9_.-]{0,127}");
        }
        return cohort;
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

    public static String text(String field, String value) {
        if (value.length() > MAX_TEXT) {
            throw DomainException.invalid(field + " is " + value.length() + " characters long, more than " + MAX_TEXT);
        }
        return value;
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

    /** Page tokens are opaque to clients: base64url of the position. */
    public static String token(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    public static String position(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("page_token '" + token + "' is not a token this service issued");
        }
    }

    public static long revisionPosition(String token) {
        String position = position(token);
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw DomainException.invalid("page_token '" + token + "' is not a token this service issued");
        }
    }
}
