package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.SignalMonitor.Observation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Seen values of each signal, kept for a while and up to a count, averaged over a window. */
class SignalHistoryTest {
    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void theMeanCoversTheWindowFromItsStartUpToButNotIncludingItsEnd() {
        SignalHistory h = new SignalHistory(Duration.ofHours(1), 100);
        h.add("p95", new Observation(100, T0));
        h.add("p95", new Observation(200, T0.plusSeconds(30)));
        h.add("p95", new Observation(600, T0.plusSeconds(60)));
        h.add("other", new Observation(1, T0.plusSeconds(10)));

        SignalHistory.Mean mean = h.mean("p95", T0, T0.plusSeconds(60));
        assertThat(mean.count()).isEqualTo(2);
        assertThat(mean.value()).hasValue(150);
        assertThat(h.mean("p95", T0, T0.plusSeconds(61)).value()).hasValue(300);
        assertThat(h.mean("p95", T0.plusSeconds(61), T0.plusSeconds(120)).count()).isZero();
        assertThat(h.mean("p95", T0.plusSeconds(61), T0.plusSeconds(120)).value()).isEmpty();
        assertThat(h.mean("never", T0, T0.plusSeconds(120)).count()).isZero();
    }

    @Test
    void valuesOlderThanTheKeepOrBeyondTheCountAreDropped() {
        SignalHistory h = new SignalHistory(Duration.ofMinutes(1), 3);
        h.add("s", new Observation(1, T0));
        h.add("s", new Observation(2, T0.plusSeconds(70)));
        // the first is more than a minute older than the newest
        assertThat(h.mean("s", T0.minusSeconds(1), T0.plusSeconds(100)).count()).isEqualTo(1);
        h.add("s", new Observation(3, T0.plusSeconds(71)));
        h.add("s", new Observation(4, T0.plusSeconds(72)));
        h.add("s", new Observation(5, T0.plusSeconds(73)));
        SignalHistory.Mean kept = h.mean("s", T0, T0.plusSeconds(100));
        assertThat(kept.count()).isEqualTo(3);
        assertThat(kept.value()).hasValue(4);
    }
}
