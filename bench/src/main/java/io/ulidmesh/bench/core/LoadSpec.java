package io.ulidmesh.bench.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How to drive a load: the target, how long to warm up and measure, how many calls may be in flight,
 * and the rate (0 = flat out: every completed call is replaced at once).
 *
 * <p>Command line: {@code --target host:port --duration 10s --warmup 3s --concurrency 64
 * --rate 50000 --channels 4}, plus any benchmark-specific {@code --key value} read through
 * {@link #option}.
 */
public record LoadSpec(String host, int port, Duration duration, Duration warmup, int concurrency,
                       long ratePerSecond, int channels, Map<String, String> options) {

    public LoadSpec {
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1, got " + concurrency);
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must be 0 (flat out) or positive, got " + ratePerSecond);
        }
        options = Map.copyOf(options);
    }

    /** Parses {@code --key value} pairs; defaults: localhost:8681, 10s, 3s warm-up, 64 in flight, flat out, 4 channels. */
    public static LoadSpec parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        String target = o.getOrDefault("target", "127.0.0.1:8681");
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--target must be host:port, got '" + target + "'");
        }
        return new LoadSpec(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)),
                duration(o.getOrDefault("duration", "10s")), duration(o.getOrDefault("warmup", "3s")),
                Integer.parseInt(o.getOrDefault("concurrency", "64")),
                Long.parseLong(o.getOrDefault("rate", "0")),
                Integer.parseInt(o.getOrDefault("channels", "4")), o);
    }

    /** This spec at a fixed rate (same target, durations and concurrency). */
    public LoadSpec atRate(long perSecond) {
        return new LoadSpec(host, port, duration, warmup, concurrency, perSecond, channels, options);
    }

    /** This spec with another number of calls in flight. */
    public LoadSpec withConcurrency(int inFlight) {
        return new LoadSpec(host, port, duration, warmup, inFlight, ratePerSecond, channels, options);
    }

    /** A benchmark-specific option, or {@code fallback}. */
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    public boolean flatOut() {
        return ratePerSecond == 0;
    }

    /** "500ms", "10s", "2m" or a bare number of seconds. */
    static Duration duration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
        }
        if (text.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(text));
    }
}
