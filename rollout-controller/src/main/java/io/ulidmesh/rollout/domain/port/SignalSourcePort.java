package io.ulidmesh.rollout.domain.port;

import java.time.Instant;
import java.util.OptionalDouble;

/** Prometheus, where {@code prometheus} signals come from. */
public interface SignalSourcePort {
    /**
     * The instant value of {@code promql} on the server at {@code url} (blank: the configured one);
     * empty when it answered without data. A server that does not answer, or refuses the query, is
     * a {@link PeerFailure}.
     */
    OptionalDouble query(String url, String promql);

    /** The value of {@code promql} as Prometheus evaluates it at {@code at} (a baseline at a phase's start); otherwise as {@link #query}. */
    OptionalDouble query(String url, String promql, Instant at);
}
