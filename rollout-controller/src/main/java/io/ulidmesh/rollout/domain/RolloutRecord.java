package io.ulidmesh.rollout.domain;

import java.time.Instant;
import java.util.List;

/** A rollout as stored: its plan, where it is, and its phases. */
public record RolloutRecord(String id, String name, RolloutStatus state, String planYaml, int currentPhase,
                            String lastReason, RollbackKind rollbackKind, Instant createdAt, Instant updatedAt,
                            List<PhaseRecord> phases) {

    /** What a rollback in progress undoes. */
    public enum RollbackKind {
        /** The current phase, stopping at the previous one. */
        PHASE,
        /** Every applied phase. */
        ABORT
    }

    public PhaseRecord phase(int idx) {
        return phases.get(idx);
    }

    public PhaseRecord current() {
        return currentPhase >= 0 && currentPhase < phases.size() ? phases.get(currentPhase) : null;
    }

    /** The current phase's name, "" before the first. */
    public String currentPhaseName() {
        PhaseRecord p = current();
        return p == null ? "" : p.name();
    }

    /** The same rollout with {@code phases}. */
    public RolloutRecord withPhases(List<PhaseRecord> phases) {
        return new RolloutRecord(id, name, state, planYaml, currentPhase, lastReason, rollbackKind, createdAt, updatedAt,
                List.copyOf(phases));
    }

    /** The rollout moved to {@code state} at {@code currentPhase} for {@code reason}; {@code kind} only while rolling back. */
    public RolloutRecord moved(RolloutStatus state, int currentPhase, String reason, RollbackKind kind) {
        return new RolloutRecord(id, name, state, planYaml, currentPhase, reason, kind, createdAt, Instant.now(), phases);
    }
}
