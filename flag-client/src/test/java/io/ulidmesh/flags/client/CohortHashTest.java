package io.ulidmesh.flags.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CohortHashTest {

    @Test
    void reproducesEveryRowOfTheIndependentVectors() throws Exception {
        List<String[]> rows = vectors();
        assertThat(rows).hasSize(20);
        for (String[] row : rows) {
            String cohort = row[0];
            String entity = row[1];
            assertThat(cohort + ":" + entity).isEqualTo(row[2]);
            assertThat(Integer.toUnsignedLong(CohortHash.murmur3(cohort, entity)))
                    .as("hash of %s", row[2]).isEqualTo(Long.parseLong(row[3]));
            assertThat(CohortHash.bucket(cohort, entity)).as("bucket of %s", row[2]).isEqualTo(Integer.parseInt(row[4]));
            assertThat(CohortHash.prefix(cohort).bucket(entity)).as("prefix bucket of %s", row[2])
                    .isEqualTo(Integer.parseInt(row[4]));
        }
    }

    @Test
    void streamingEncodingMatchesHashingTheJoinedUtf8Bytes() {
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            String cohort = randomString(random);
            String entity = randomString(random);
            byte[] key = (cohort + ":" + entity).getBytes(StandardCharsets.UTF_8);
            assertThat(CohortHash.murmur3(cohort, entity)).as("key %s:%s", cohort, entity)
                    .isEqualTo(referenceMurmur3(key));
            assertThat(CohortHash.prefix(cohort).bucket(entity)).as("prefix of %s:%s", cohort, entity)
                    .isEqualTo(CohortHash.bucket(cohort, entity));
        }
    }

    @Test
    void asciiFastPathMatchesAtEveryAlignment() {
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            String cohort = ascii(random, random.nextInt(20));
            String entity = ascii(random, random.nextInt(40));
            if (random.nextInt(4) == 0) {
                entity = entity + "\u00e9" + ascii(random, random.nextInt(9));
            }
            byte[] key = (cohort + ":" + entity).getBytes(StandardCharsets.UTF_8);
            assertThat(CohortHash.murmur3(cohort, entity)).as("key %s:%s", cohort, entity).isEqualTo(referenceMurmur3(key));
            assertThat(CohortHash.prefix(cohort).bucket(entity)).isEqualTo(CohortHash.bucket(cohort, entity));
        }
    }

    private static String ascii(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append((char) (0x20 + random.nextInt(0x5F)));
        }
        return s.toString();
    }

    @Test
    void tenPercentOfAHundredThousandIdsIsWithinHalfAPercent() {
        int enabled = 0;
        for (int i = 0; i < 100_000; i++) {
            if (CohortHash.enabled("use_v2_coordinator", 1000, "user-" + i)) {
                enabled++;
            }
        }
        assertThat(enabled).isBetween(9_500, 10_500);
    }

    @Test
    void raisingThePercentageOnlyAddsIds() {
        int[] steps = {100, 250, 500, 1000, 2500, 5000, 7500, 9999, 10_000};
        boolean[] previous = new boolean[20_000];
        for (int bp : steps) {
            for (int i = 0; i < previous.length; i++) {
                boolean now = CohortHash.enabled("growth", bp, "entity-" + i);
                if (previous[i]) {
                    assertThat(now).as("entity-%d at %d bp", i, bp).isTrue();
                }
                previous[i] = now;
            }
        }
        for (boolean all : previous) {
            assertThat(all).isTrue();
        }
    }

    @Test
    void offAndOnAreAbsolute() {
        assertThat(CohortHash.enabled("c", 0, "x:4")).isFalse();
        assertThat(CohortHash.enabled("c", 10_000, "anything")).isTrue();
        assertThat(CohortHash.enabled(0, 0)).isFalse();
        assertThat(CohortHash.enabled(10_000, 9_999)).isTrue();
        assertThat(CohortHash.enabled(5000, 4999)).isTrue();
        assertThat(CohortHash.enabled(5000, 5000)).isFalse();
    }

    private static String randomString(Random random) {
        int length = random.nextInt(12);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0 -> s.append((char) ('a' + random.nextInt(26)));
                case 1 -> s.append((char) (0x80 + random.nextInt(0x780)));
                case 2 -> s.append((char) (0x800 + random.nextInt(0xD000)));
                case 3 -> s.appendCodePoint(0x10000 + random.nextInt(0xFFFFF));
                case 4 -> s.append((char) (0xD800 + random.nextInt(0x800))); // unpaired surrogate
                default -> s.append(':');
            }
        }
        return s.toString();
    }

    /** MurmurHash3 x86_32, seed 0, written the textbook way over a byte array. */
    private static int referenceMurmur3(byte[] data) {
        int h1 = 0;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int k1 = (data[4 * i] & 0xff) | (data[4 * i + 1] & 0xff) << 8
                    | (data[4 * i + 2] & 0xff) << 16 | (data[4 * i + 3] & 0xff) << 24;
            k1 *= 0xcc9e2d51;
            k1 = Integer.rotateLeft(k1, 15);
            k1 *= 0x1b873593;
            h1 ^= k1;
            h1 = Integer.rotateLeft(h1, 13);
            h1 = h1 * 5 + 0xe6546b64;
        }
        int k1 = 0;
        int tail = blocks * 4;
        switch (data.length & 3) {
            case 3:
                k1 ^= (data[tail + 2] & 0xff) << 16;
            case 2:
                k1 ^= (data[tail + 1] & 0xff) << 8;
            case 1:
                k1 ^= data[tail] & 0xff;
                k1 *= 0xcc9e2d51;
                k1 = Integer.rotateLeft(k1, 15);
                k1 *= 0x1b873593;
                h1 ^= k1;
            default:
        }
        h1 ^= data.length;
        h1 ^= h1 >>> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >>> 13;
        h1 *= 0xc2b2ae35;
        h1 ^= h1 >>> 16;
        return h1;
    }

    private static List<String[]> vectors() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(CohortHashTest.class.getResourceAsStream("/cohort-hash-vectors.csv")),
                StandardCharsets.UTF_8))) {
            in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                rows.add(parseCsv(line));
            }
        }
        return rows;
    }

    /** The vectors quote every text field and never contain a quote inside one. */
    private static String[] parseCsv(String line) {
        List<String> fields = new ArrayList<>();
        int i = 0;
        while (i <= line.length()) {
            if (i < line.length() && line.charAt(i) == '"') {
                int end = line.indexOf('"', i + 1);
                fields.add(line.substring(i + 1, end));
                i = end + 2;
            } else {
                int end = line.indexOf(',', i);
                end = end < 0 ? line.length() : end;
                fields.add(line.substring(i, end));
                i = end + 1;
            }
        }
        return fields.toArray(String[]::new);
    }
}
