package io.ulidmesh.rollout.domain.port;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.rollout.domain.Baseline;
import io.ulidmesh.rollout.domain.Change;
import io.ulidmesh.rollout.domain.JournalMarks;
import io.ulidmesh.rollout.domain.PhaseRecord;
import io.ulidmesh.rollout.domain.RolloutEventRecord;
import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.RolloutRecord;
import io.ulidmesh.rollout.domain.RolloutStatus;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where rollouts live: the rollout and its phases, each phase attempt's change journal, the event
 * log and the rules' breach counts. Every method is one transaction.
 */
public interface RolloutStore {
    /** Stores a new rollout with its phases and its CREATED event. */
    void insert(RolloutRecord r, String actor);

    Optional<RolloutRecord> find(String id);

    default RolloutRecord get(String id) {
        return find(id).orElseThrow(() -> DomainException.notFound("rollout " + id + " not found"));
    }

    /** Newest first; {@code beforeId} is the last id of the previous page, or null. */
    List<RolloutRecord> list(int limit, String beforeId);

    /** Ids of rollouts in {@code states}, oldest first. */
    List<String> idsIn(List<RolloutStatus> states);

    /** How many rollouts are in each state (states without any are absent), for the metrics. */
    default Map<RolloutStatus, Long> countByState() {
        Map<RolloutStatus, Long> counts = new EnumMap<>(RolloutStatus.class);
        for (RolloutStatus state : RolloutStatus.values()) {
            int n = idsIn(List.of(state)).size();
            if (n > 0) {
                counts.put(state, (long) n);
            }
        }
        return counts;
    }

    /** Saves the rollout's own columns and the given phases, with one event ({@code type} null: none). */
    default RolloutEventRecord save(RolloutRecord r, List<PhaseRecord> phases, EventType type, String phase, String message,
                                    String actor) {
        return save(r, phases, JournalMarks.none(phase), type, phase, message, actor);
    }

    /**
     * {@link #save} with journal marks and their FLAG_SET events ({@link #updateChanges}) in the same
     * transaction: a rollback saves what its restore did and the phase rolled back in one commit.
     */
    RolloutEventRecord save(RolloutRecord r, List<PhaseRecord> phases, JournalMarks marks, EventType type, String phase,
                            String message, String actor);

    RolloutEventRecord event(String rolloutId, EventType type, String phase, String message, String actor);

    /**
     * Saves the rollout's own columns as it moves to ROLLING_BACK with its ROLLBACK_STARTED event,
     * after the SIGNAL_BREACHED event of the rule that fired it ({@code breachMessage} null: none),
     * and forgets its breach counts: one transaction, the only write before a rollback's first undo.
     * It returns what that undo needs, read in the same transaction after the writes: no further
     * round trip stands between a breach and its restore.
     */
    RollbackStart startRollback(RolloutRecord moved, String breachMessage, String message, String actor);

    /**
     * The journal of the phase attempt a rollback began in ({@code phaseIdx} -1: none, and no
     * journal) and the operator the controller acts for ({@link #lastOperator}), as its start saw them.
     */
    record RollbackStart(int phaseIdx, int attempt, List<Change> journal, Optional<String> lastOperator) {
        public RollbackStart {
            journal = List.copyOf(journal);
        }
    }

    /** Up to {@code limit} events after {@code afterSequence}, in order. */
    List<RolloutEventRecord> events(String rolloutId, long afterSequence, int limit);

    /** The actor of the rollout's latest event not made by {@code controller}: the operator it acts for. */
    Optional<String> lastOperator(String rolloutId, String controller);

    /** The journal of one phase attempt, in the order its changes are applied. */
    List<Change> changes(String rolloutId, int phaseIdx, int attempt);

    /**
     * Records a phase attempt's journal, its rules' baselines and the phase as APPLYING, with its
     * PHASE_STARTED event, before anything changes.
     */
    RolloutEventRecord beginPhase(RolloutRecord r, PhaseRecord applying, List<Change> journal, List<Baseline> baselines,
                                  String message);

    /** The baselines recorded when the phase attempt started, by rule index. */
    Map<Integer, Baseline> baselines(String rolloutId, int phaseIdx, int attempt);

    /** Saves a journal entry's migration id, steps done, applied and restored marks and applied version. */
    void updateChange(Change ch);

    /**
     * Saves the marks of several journal entries of one rollout ({@link #updateChange}) and a
     * FLAG_SET event per message, all in one transaction: one write for a phase's flags.
     */
    void updateChanges(String rolloutId, JournalMarks marks, String actor);

    /**
     * Rewrites what a flag entry records as the flag before the change (exists, value, version) and,
     * when {@code message} is not null, the FLAG_SET event that says so.
     */
    void journalPrevious(Change ch, String phase, String message, String actor);

    /** Breaches in a row of each rule (by its index in the plan) in one phase attempt; a rule at 0 is absent. */
    Map<Integer, Integer> breachCounts(String rolloutId, int phaseIdx, int attempt);

    /**
     * Saves one rule's breaches in a row in the phase attempt {@code p} (0 removes it) and, when
     * {@code breachMessage} is not null, the SIGNAL_BREACHED event that counted it.
     */
    void saveBreachCount(String rolloutId, PhaseRecord p, int ruleIdx, int inARow, String breachMessage, String actor);

    /** Forgets every breach count of a rollout. */
    void clearBreachCounts(String rolloutId);
}
