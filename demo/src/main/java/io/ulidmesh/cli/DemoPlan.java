package io.ulidmesh.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's copy of deploy/plans/ulid-ecosystem.yaml: every bake divided by the speed (at least 1 s;
 * {@code max} makes each bake {@value #MAX_BAKE_MILLIS} ms), the interval likewise (at least 1 s), and,
 * since no Prometheus runs beside {@code ./mesh up}, the {@code prometheus} signal {@code error_rate}
 * turned into a {@code push} signal the demo feeds from its own clients' error counts; below max speed,
 * each migration's backfill is throttled so that it takes a few seconds. Rules, phases, flags and
 * migrations are otherwise the plan's own, line for line.
 */
final class DemoPlan {
    static final long MAX_BAKE_MILLIS = 2000;
    private static final Pattern BAKE = Pattern.compile("^(\\s*bake:\\s*)(\\S+)(.*)$");
    private static final Pattern INTERVAL = Pattern.compile("^(interval:\\s*)(\\S+)(.*)$");
    private static final Pattern PHASE = Pattern.compile("^\\s*-\\s*name:\\s*(\\S+)");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");

    final String yaml;
    /** Each phase's bake as the demo runs it, in plan order. */
    final Map<String, Long> bakeMillis = new LinkedHashMap<>();
    /** The phases' names, in plan order. */
    final List<String> phases = new ArrayList<>();
    final long intervalMillis;
    final boolean errorRatePushed;

    private DemoPlan(String yaml, long intervalMillis, boolean errorRatePushed) {
        this.yaml = yaml;
        this.intervalMillis = intervalMillis;
        this.errorRatePushed = errorRatePushed;
    }

    /**
     * {@code speed} is how many times faster than the plan; 0 means max. {@code maxRowsPerSecond} above 0
     * throttles every backfill (the migrations' {@code max_rows_per_second}), so its progress can be watched.
     */
    static DemoPlan of(String original, double speed, long maxRowsPerSecond) {
        List<String> out = new ArrayList<>();
        Map<String, Long> bakes = new LinkedHashMap<>();
        long interval = 1000;
        boolean inErrorRate = false;
        boolean pushed = false;
        boolean inPhases = false;
        List<String> phaseNames = new ArrayList<>();
        String phase = null;
        for (String line : original.split("\n", -1)) {
            if (line.startsWith("phases:")) {
                inPhases = true;
            }
            Matcher name = PHASE.matcher(line);
            if (name.find()) {
                inErrorRate = !inPhases && name.group(1).equals("error_rate");
                phase = inPhases ? name.group(1) : phase;
                if (inPhases) {
                    phaseNames.add(phase);
                }
            }
            if (inErrorRate && line.trim().startsWith("source: prometheus")) {
                out.add(line.replace("source: prometheus", "source: push") + "   # demo: fed by the demo's own clients (no Prometheus)");
                pushed = true;
                continue;
            }
            if (inErrorRate && line.trim().startsWith("query:")) {
                continue;
            }
            if (maxRowsPerSecond > 0 && line.trim().startsWith("- { target:") && line.trim().endsWith("}")) {
                out.add(line.substring(0, line.lastIndexOf('}')).stripTrailing() + ", max_rows_per_second: " + maxRowsPerSecond + " }");
                continue;
            }
            Matcher i = INTERVAL.matcher(line);
            if (i.matches()) {
                interval = speed == 0 ? 1000 : Math.max(1000, Math.round(millis(i.group(2)) / speed / 1000) * 1000);
                out.add(i.group(1) + (interval / 1000) + "s" + i.group(3));
                continue;
            }
            Matcher b = BAKE.matcher(line);
            if (b.matches() && phase != null) {
                long bake = speed == 0 ? MAX_BAKE_MILLIS : Math.max(1000, Math.round(millis(b.group(2)) / speed));
                bakes.put(phase, bake);
                out.add(b.group(1) + bake + "ms" + b.group(3));
                continue;
            }
            out.add(line);
        }
        DemoPlan plan = new DemoPlan(String.join("\n", out), interval, pushed);
        plan.bakeMillis.putAll(bakes);
        plan.phases.addAll(phaseNames);
        return plan;
    }

    /** A plan duration (24h, 1h30m, 500ms) in milliseconds. */
    static long millis(String text) {
        Matcher m = PART.matcher(text);
        long total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                default -> n * 86_400_000;
            };
            end = m.end();
        }
        if (end != text.length() || end == 0) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return total;
    }
}
