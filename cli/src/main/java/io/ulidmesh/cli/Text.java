package io.ulidmesh.cli;

import com.google.protobuf.Timestamp;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The text output: aligned tables, times, percentages, durations and progress bars, for people. */
final class Text {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private Text() {
    }

    /** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        Table row(Object... cells) {
            rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c.toString()).toArray(String[]::new));
            return this;
        }

        boolean isEmpty() {
            return rows.size() == 1;
        }

        void print(PrintWriter out) {
            int columns = rows.get(0).length;
            int[] width = new int[columns];
            for (String[] row : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(i == columns - 1 ? row[i] : pad(row[i], width[i]) + "  ");
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }
    }

    static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    static String time(Timestamp t) {
        return t == null || (t.getSeconds() == 0 && t.getNanos() == 0) ? "-" : TIME.format(instant(t));
    }

    static String clock(Timestamp t) {
        return t == null || (t.getSeconds() == 0 && t.getNanos() == 0) ? "--:--:--" : CLOCK.format(instant(t));
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** Basis points as people say them: {@code on}, {@code off}, {@code 12.5%}. */
    static String flagValue(int basisPoints) {
        if (basisPoints >= 10_000) {
            return "on";
        }
        if (basisPoints <= 0) {
            return "off";
        }
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
    }

    /** {@code 45s}, {@code 3m05s}, {@code 5m}, {@code 1h30m}, {@code 72h}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : String.format(Locale.ROOT, "%02ds", seconds % 60));
        }
        long minutes = (seconds % 3600) / 60;
        return seconds / 3600 + "h" + (minutes == 0 ? "" : String.format(Locale.ROOT, "%02dm", minutes));
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        BigDecimal d = BigDecimal.valueOf(value);
        return d.scale() > 3 ? String.format(Locale.ROOT, "%.3f", value) : d.stripTrailingZeros().toPlainString();
    }

    /**
     * A progress line: {@code [█████░░░░░]  52%  1,040/2,000 rows  500 rows/s  ETA 2s}. The ETA is the
     * worker's when it gives one, else the rows left at the current rate.
     */
    static String progress(long done, long total, double rowsPerSecond, long etaSeconds, int width) {
        double fraction = total <= 0 ? (done > 0 ? 1 : 0) : Math.min(1.0, (double) done / total);
        int filled = (int) Math.floor(fraction * width);
        StringBuilder bar = new StringBuilder("[");
        bar.append("█".repeat(filled)).append("░".repeat(width - filled)).append("]");
        if (total <= 0 && done == 0) {
            // The worker has not counted the table yet.
            bar.append(String.format(Locale.ROOT, "  --%%  0/? rows"));
        } else {
            bar.append(String.format(Locale.ROOT, " %3d%%  %,d/%,d rows", (int) Math.floor(fraction * 100), done, total));
        }
        if (rowsPerSecond > 0) {
            bar.append(String.format(Locale.ROOT, "  %,.0f rows/s", rowsPerSecond));
            long eta = etaSeconds > 0 ? etaSeconds : total > done ? (long) Math.ceil((total - done) / rowsPerSecond) : 0;
            if (total > done) {
                bar.append("  ETA ").append(duration(eta));
            }
        }
        return bar.toString();
    }

    /** An enum constant's name without the prefix protobuf needed for uniqueness: PHASE_BAKING → BAKING. */
    static String state(Enum<?> value, String prefix) {
        String name = value.name();
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }
}
