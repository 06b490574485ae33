package io.ulidmesh.console.domain;

import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutEventType;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a rollout's detail page shows, fed from several streams (WatchRollout, the worker's Watch,
 * the controller's signal gauges) and read by the renderer: the rollout, its recent events, each
 * flag's current state, each migration's progress, and each signal's recent values and thresholds.
 */
public final class LiveRollout {
    public static final int EVENTS_KEPT = 50;
    public static final int POINTS_KEPT = 60;

    /** One signal value at a time, and whether it breached a threshold. */
    public record Point(Instant at, double value, boolean breach) {
    }

    /** The tightest thresholds of a signal's rules; null when the plan has none on that side. */
    public record Thresholds(Double above, Double below) {
        boolean breached(double v) {
            return (above != null && v > above) || (below != null && v < below);
        }
    }

    private Rollout rollout;
    private final Deque<RolloutEvent> events = new ArrayDeque<>();
    private long lastSequence;
    private final Map<String, Flag> flags = new LinkedHashMap<>();
    private final Map<String, MigrationProgress> migrations = new HashMap<>();
    private final Map<String, Deque<Point>> signals = new TreeMap<>();
    private final Map<String, Thresholds> thresholds = new HashMap<>();
    private final List<Instant> breaches = new ArrayList<>();

    public synchronized void rollout(Rollout r) {
        rollout = r;
    }

    public synchronized Rollout rollout() {
        return rollout;
    }

    /** Adds an event; false when it was seen already (a replay after reconnecting). */
    public synchronized boolean event(RolloutEvent e) {
        if (e.getSequence() <= lastSequence) {
            return false;
        }
        lastSequence = e.getSequence();
        events.addFirst(e);
        while (events.size() > EVENTS_KEPT) {
            events.removeLast();
        }
        if (e.getType() == RolloutEventType.EVENT_SIGNAL_BREACHED) {
            breaches.add(Instant.ofEpochSecond(e.getAt().getSeconds(), e.getAt().getNanos()));
        }
        return true;
    }

    public synchronized long lastSequence() {
        return lastSequence;
    }

    /** Newest first. */
    public synchronized List<RolloutEvent> events() {
        return List.copyOf(events);
    }

    public synchronized void flag(String name, Flag f) {
        flags.put(name, f);
    }

    public synchronized Map<String, Flag> flags() {
        return new LinkedHashMap<>(flags);
    }

    public synchronized void migration(MigrationProgress p) {
        migrations.put(p.getId(), p);
    }

    public synchronized Map<String, MigrationProgress> migrations() {
        return new HashMap<>(migrations);
    }

    public synchronized void thresholds(String signal, Thresholds t) {
        thresholds.put(signal, t);
    }

    /** A reading of the signal gauges: each value is appended to its signal's line. */
    public synchronized void signals(Map<String, Double> values, Instant at) {
        values.forEach((name, v) -> {
            Deque<Point> line = signals.computeIfAbsent(name, n -> new ArrayDeque<>());
            Thresholds t = thresholds.get(name);
            line.addLast(new Point(at, v, t != null && t.breached(v)));
            while (line.size() > POINTS_KEPT) {
                line.removeFirst();
            }
        });
    }

    public synchronized Map<String, List<Point>> signalLines() {
        Map<String, List<Point>> copy = new TreeMap<>();
        signals.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    public synchronized Map<String, Thresholds> thresholds() {
        return new HashMap<>(thresholds);
    }

    /** When rules were breached (from the rollout's events). */
    public synchronized List<Instant> breaches() {
        return List.copyOf(breaches);
    }
}
