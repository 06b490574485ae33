package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.SignalMonitor.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values of each signal this controller has seen (pushed, or pulled from a health check), kept
 * for {@code keep} and at most {@code maxValues} a signal: where the baseline of a signal that
 * Prometheus does not hold comes from.
 */
final class SignalHistory {
    private final Duration keep;
    private final int maxValues;
    private final Map<String, Deque<Observation>> values = new ConcurrentHashMap<>();

    SignalHistory(Duration keep, int maxValues) {
        this.keep = keep;
        this.maxValues = maxValues;
    }

    /** The values of {@code signal} seen at or after {@code from} and before {@code to}, and their mean. */
    record Mean(OptionalDouble value, int count) {
    }

    void add(String signal, Observation o) {
        Deque<Observation> d = values.computeIfAbsent(signal, k -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(o);
            Instant oldest = o.at().minus(keep);
            while (d.size() > maxValues || d.peekFirst().at().isBefore(oldest)) {
                d.removeFirst();
            }
        }
    }

    Mean mean(String signal, Instant from, Instant to) {
        Deque<Observation> d = values.get(signal);
        if (d == null) {
            return new Mean(OptionalDouble.empty(), 0);
        }
        double sum = 0;
        int count = 0;
        synchronized (d) {
            for (Observation o : d) {
                if (!o.at().isBefore(from) && o.at().isBefore(to)) {
                    sum += o.value();
                    count++;
                }
            }
        }
        return new Mean(count == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / count), count);
    }
}
