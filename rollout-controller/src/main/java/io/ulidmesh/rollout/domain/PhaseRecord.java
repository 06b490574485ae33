package io.ulidmesh.rollout.domain;

import java.time.Instant;

/** Progress of one phase. */
public record PhaseRecord(int idx, String name, PhaseStatus state, int attempt, Instant bakeUntil, Long bakeRemainingMs,
                          boolean gatePassed, Instant startedAt, Instant finishedAt) {

    public PhaseRecord withState(PhaseStatus s) {
        return new PhaseRecord(idx, name, s, attempt, bakeUntil, bakeRemainingMs, gatePassed, startedAt, finishedAt);
    }

    public PhaseRecord withBake(Instant until, Long remainingMs) {
        return new PhaseRecord(idx, name, state, attempt, until, remainingMs, gatePassed, startedAt, finishedAt);
    }

    public PhaseRecord withGatePassed(boolean passed) {
        return new PhaseRecord(idx, name, state, attempt, bakeUntil, bakeRemainingMs, passed, startedAt, finishedAt);
    }

    public PhaseRecord started(Instant at) {
        return new PhaseRecord(idx, name, PhaseStatus.APPLYING, attempt, null, null, false, at, null);
    }

    public PhaseRecord finished(PhaseStatus s, Instant at) {
        return new PhaseRecord(idx, name, s, attempt, bakeUntil, null, gatePassed, startedAt, at);
    }

    /** The phase again, as a fresh attempt. */
    public PhaseRecord retried() {
        return new PhaseRecord(idx, name, PhaseStatus.PENDING, attempt + 1, null, null, false, null, null);
    }
}
