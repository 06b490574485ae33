package io.ulidmesh.resolution.domain;

/** What the ULID generator reports for metrics: throughput and how monotonicity was kept. */
public interface GenerationListener {
    GenerationListener NONE = (count, increments, clockSteppedBack) -> { };

    /**
     * One reservation issued {@code count} ULIDs; {@code increments} of them are the previous ULID
     * plus one (the same millisecond as the ULID before, or the clock behind it). {@code
     * clockSteppedBack} when the clock read earlier than at the reservation before.
     */
    void generated(int count, int increments, boolean clockSteppedBack);
}
