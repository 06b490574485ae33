package io.ulidmesh.flags.client;

/**
 * The cohort hash of docs/architecture.md, the one implementation the flag-service and every Java
 * client share:
 * <pre>
 * key     = UTF-8 bytes of cohort + ":" + entity_id
 * h       = MurmurHash3 x86_32(key, seed 0), unsigned
 * bucket  = (h * 10000) >>> 32        -- 0..9999
 * enabled = basis_points == 10000 || bucket < basis_points
 * </pre>
 * The UTF-8 bytes are produced on the fly from the two strings, so a call allocates nothing. An
 * unpaired surrogate encodes as '?', exactly as {@code String.getBytes(UTF_8)} does.
 */
public final class CohortHash {
    /** Basis points of a flag that is on for everyone. */
    public static final int ALL = 10_000;

    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private CohortHash() {
    }

    /** The entity's bucket in the cohort, 0..9999. */
    public static int bucket(String cohort, String entityId) {
        return (int) ((Integer.toUnsignedLong(murmur3(cohort, entityId)) * ALL) >>> 32);
    }

    /** Whether a flag at {@code basisPoints} is enabled for an entity in {@code bucket}. */
    public static boolean enabled(int basisPoints, int bucket) {
        return basisPoints >= ALL || bucket < basisPoints;
    }

    /** Whether a flag of {@code cohort} at {@code basisPoints} is enabled for {@code entityId}. */
    public static boolean enabled(String cohort, int basisPoints, String entityId) {
        if (basisPoints <= 0) {
            return false;
        }
        return basisPoints >= ALL || bucket(cohort, entityId) < basisPoints;
    }

    /** MurmurHash3 x86_32 with seed 0 of the UTF-8 bytes of {@code cohort + ":" + entityId}. */
    public static int murmur3(String cohort, String entityId) {
        long afterCohort = absorbColon(absorb(cohort, 0L));
        long after = absorb(entityId, afterCohort);
        return finish(after, utf8Length(cohort, afterCohort) + 1 + utf8Length(entityId, after));
    }

    /**
     * The hash state after {@code cohort + ":"}, computed once per cohort so that each evaluation
     * only hashes the entity (what {@link FlagClient} keeps per flag).
     */
    public static final class Prefix {
        private final long state;
        private final int length;

        private Prefix(String cohort) {
            this.state = absorbColon(absorb(cohort, 0L)) & ~NON_ASCII;
            this.length = cohort.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
        }

        /** The bucket of {@code entityId} in this cohort, 0..9999; equal to {@link #bucket(String, String)}. */
        public int bucket(String entityId) {
            long after = absorb(entityId, state);
            int h = finish(after, length + utf8Length(entityId, after));
            return (int) ((Integer.toUnsignedLong(h) * ALL) >>> 32);
        }

        /** Whether a flag of this cohort at {@code basisPoints} is enabled for {@code entityId}. */
        public boolean enabled(int basisPoints, String entityId) {
            if (basisPoints <= 0) {
                return false;
            }
            return basisPoints >= ALL || bucket(entityId) < basisPoints;
        }
    }

    public static Prefix prefix(String cohort) {
        return new Prefix(cohort);
    }

    // The running state packed in a long, so that one string at a time can be absorbed without
    // allocating: h1 in bits 0-31, up to three pending bytes in bits 32-55, their count in bits 56-57,
    // and bit 63 set once a non-ASCII char was seen (then the UTF-8 length needs its own count).
    private static final long NON_ASCII = 1L << 63;

    private static long absorb(String s, long state) {
        int h1 = (int) state;
        int block = (int) (state >>> 32) & 0xFFFFFF;
        int filled = (int) (state >>> 56 & 3) << 3;
        long nonAscii = state & NON_ASCII;
        int n = s.length();
        int i = 0;
        while (i < n) {
            // Fast path: four ASCII chars are four bytes, completing exactly one block.
            if (i + 4 <= n) {
                int c0 = s.charAt(i);
                int c1 = s.charAt(i + 1);
                int c2 = s.charAt(i + 2);
                int c3 = s.charAt(i + 3);
                if ((c0 | c1 | c2 | c3) < 0x80) {
                    int word = c0 | c1 << 8 | c2 << 16 | c3 << 24;
                    if (filled == 0) {
                        h1 = mixH1(h1, mixK1(word));
                    } else {
                        h1 = mixH1(h1, mixK1(block | word << filled));
                        block = word >>> (32 - filled);
                    }
                    i += 4;
                    continue;
                }
            }
            char c = s.charAt(i++);
            int encoded;
            int bytes;
            if (c < 0x80) {
                encoded = c;
                bytes = 1;
            } else if (c < 0x800) {
                encoded = (0xC0 | (c >> 6)) | (0x80 | (c & 0x3F)) << 8;
                bytes = 2;
            } else if (Character.isSurrogate(c)) {
                char low = i < n ? s.charAt(i) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(c, low);
                    encoded = (0xF0 | (cp >> 18))
                            | (0x80 | ((cp >> 12) & 0x3F)) << 8
                            | (0x80 | ((cp >> 6) & 0x3F)) << 16
                            | (0x80 | (cp & 0x3F)) << 24;
                    bytes = 4;
                    i++;
                } else {
                    encoded = '?';
                    bytes = 1;
                }
            } else {
                encoded = (0xE0 | (c >> 12)) | (0x80 | ((c >> 6) & 0x3F)) << 8 | (0x80 | (c & 0x3F)) << 16;
                bytes = 3;
            }
            if (c >= 0x80) {
                nonAscii = NON_ASCII;
            }
            for (int b = 0; b < bytes; b++) {
                block |= (encoded & 0xFF) << filled;
                encoded >>>= 8;
                filled += 8;
                if (filled == 32) {
                    h1 = mixH1(h1, mixK1(block));
                    block = 0;
                    filled = 0;
                }
            }
        }
        return pack(h1, block, filled) | nonAscii;
    }

    private static long absorbColon(long state) {
        int h1 = (int) state;
        int block = (int) (state >>> 32) & 0xFFFFFF;
        int filled = (int) (state >>> 56 & 3) << 3;
        block |= ':' << filled;
        filled += 8;
        if (filled == 32) {
            h1 = mixH1(h1, mixK1(block));
            block = 0;
            filled = 0;
        }
        return pack(h1, block, filled) | (state & NON_ASCII);
    }

    private static long pack(int h1, int block, int filled) {
        return (h1 & 0xFFFFFFFFL) | ((long) block & 0xFFFFFF) << 32 | ((long) (filled >> 3)) << 56;
    }

    private static int finish(long state, int length) {
        int h1 = (int) state;
        if ((state >>> 56 & 3) != 0) {
            h1 ^= mixK1((int) (state >>> 32) & 0xFFFFFF);
        }
        return fmix(h1 ^ length);
    }

    /** UTF-8 length of {@code s}: its char count unless a non-ASCII char was absorbed. */
    private static int utf8Length(String s, long state) {
        if ((state & NON_ASCII) == 0) {
            return s.length();
        }
        int n = s.length();
        int length = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                length++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    private static int mixK1(int k1) {
        return Integer.rotateLeft(k1 * C1, 15) * C2;
    }

    private static int mixH1(int h1, int k1) {
        return Integer.rotateLeft(h1 ^ k1, 13) * 5 + 0xe6546b64;
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
