package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.port.MetricsPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The meters as the last values and counts they were given. */
final class RecordingMetrics implements MetricsPort {
    final Map<String, Integer> phases = new ConcurrentHashMap<>();
    final List<String> rollbacks = new ArrayList<>();
    final List<Duration> detections = new ArrayList<>();
    final Map<String, Double> signals = new ConcurrentHashMap<>();

    @Override
    public void phase(String rolloutId, String name, int currentPhase) {
        phases.put(rolloutId, currentPhase);
    }

    @Override
    public void ended(String rolloutId) {
        phases.remove(rolloutId);
    }

    @Override
    public synchronized void rollback(String reason) {
        rollbacks.add(reason);
    }

    @Override
    public synchronized void detection(Duration d) {
        detections.add(d);
    }

    @Override
    public void signal(String name, double value) {
        signals.put(name, value);
    }
}
