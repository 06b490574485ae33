package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import io.ulidmesh.rollout.domain.port.RolloutStore.RollbackStart;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** The rollout store in memory, writing exactly the columns JdbcRolloutStore writes. */
final class InMemoryRolloutStore implements RolloutStore {
    private final TreeMap<String, RolloutRecord> rollouts = new TreeMap<>();
    private final Map<String, List<RolloutEventRecord>> events = new HashMap<>();
    private final List<Change> journal = new ArrayList<>();
    private final Map<List<Object>, Integer> breaches = new HashMap<>();
    private final Map<List<Object>, Map<Integer, Baseline>> baselines = new HashMap<>();
    /** Transactions that saved journal marks (updateChange, updateChanges, save with marks). */
    int markTransactions;
    /** Every write transaction, of any kind. */
    int transactions;
    /** Reads of a journal or of the last operator outside a write transaction (changes, lastOperator). */
    int journalReads;
    /** Reads of saved breach counts (breachCounts). */
    int breachCountReads;
    /** When set, the next transaction with flag marks fails with it before writing anything: a crash before the marks commit. */
    RuntimeException failNextMarks;

    @Override
    public synchronized void insert(RolloutRecord r, String actor) {
        transactions++;
        rollouts.put(r.id(), r);
        append(r.id(), EventType.CREATED, "", "rollout " + r.name() + " created with " + r.phases().size() + " phases", actor);
    }

    @Override
    public synchronized Optional<RolloutRecord> find(String id) {
        return Optional.ofNullable(rollouts.get(id));
    }

    @Override
    public synchronized List<RolloutRecord> list(int limit, String beforeId) {
        return (beforeId == null ? rollouts : rollouts.headMap(beforeId, false)).descendingMap().values().stream().limit(limit).toList();
    }

    @Override
    public synchronized List<String> idsIn(List<RolloutStatus> states) {
        return rollouts.values().stream().filter(r -> states.contains(r.state())).map(RolloutRecord::id).toList();
    }

    @Override
    public synchronized RolloutEventRecord save(RolloutRecord r, List<PhaseRecord> phases, JournalMarks marks, EventType type,
                                                String phase, String message, String actor) {
        transactions++;
        saveMarks(r.id(), marks, actor);
        put(r, phases);
        return type == null ? null : append(r.id(), type, phase, message, actor);
    }

    private void put(RolloutRecord r, List<PhaseRecord> phases) {
        RolloutRecord stored = rollouts.get(r.id());
        List<PhaseRecord> saved = new ArrayList<>(stored.phases());
        phases.forEach(p -> saved.set(p.idx(), p));
        rollouts.put(r.id(), new RolloutRecord(r.id(), stored.name(), r.state(), stored.planYaml(), r.currentPhase(), r.lastReason(),
                r.rollbackKind(), stored.createdAt(), Instant.now(), List.copyOf(saved)));
    }

    @Override
    public synchronized RollbackStart startRollback(RolloutRecord moved, String breachMessage, String message, String actor) {
        transactions++;
        String phase = moved.currentPhaseName();
        put(moved, List.of());
        if (breachMessage != null) {
            append(moved.id(), EventType.SIGNAL_BREACHED, phase, breachMessage, actor);
        }
        breaches.keySet().removeIf(key -> key.get(0).equals(moved.id()));
        append(moved.id(), EventType.ROLLBACK_STARTED, phase, message, actor);
        Optional<String> operator = operatorOf(moved.id(), RolloutLog.CONTROLLER);
        PhaseRecord p = moved.current();
        return p == null ? new RollbackStart(-1, 0, List.of(), operator)
                : new RollbackStart(p.idx(), p.attempt(), journalOf(moved.id(), p.idx(), p.attempt()), operator);
    }

    @Override
    public synchronized RolloutEventRecord event(String rolloutId, EventType type, String phase, String message, String actor) {
        transactions++;
        return append(rolloutId, type, phase, message, actor);
    }

    @Override
    public synchronized Optional<String> lastOperator(String rolloutId, String controller) {
        journalReads++;
        return operatorOf(rolloutId, controller);
    }

    private Optional<String> operatorOf(String rolloutId, String controller) {
        List<RolloutEventRecord> log = events.getOrDefault(rolloutId, List.of());
        for (int i = log.size() - 1; i >= 0; i--) {
            if (!log.get(i).actor().equals(controller)) {
                return Optional.of(log.get(i).actor());
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized List<RolloutEventRecord> events(String rolloutId, long afterSequence, int limit) {
        return events.getOrDefault(rolloutId, List.of()).stream().filter(e -> e.sequence() > afterSequence).limit(limit).toList();
    }

    @Override
    public synchronized List<Change> changes(String rolloutId, int phaseIdx, int attempt) {
        journalReads++;
        return journalOf(rolloutId, phaseIdx, attempt);
    }

    private List<Change> journalOf(String rolloutId, int phaseIdx, int attempt) {
        return journal.stream().filter(c -> c.rolloutId().equals(rolloutId) && c.phaseIdx() == phaseIdx && c.attempt() == attempt)
                .sorted(Comparator.comparingInt(Change::pos)).toList();
    }

    @Override
    public synchronized RolloutEventRecord beginPhase(RolloutRecord r, PhaseRecord applying, List<Change> changes,
                                                      List<Baseline> taken, String message) {
        transactions++;
        journal.addAll(changes);
        Map<Integer, Baseline> byRule = new TreeMap<>();
        taken.forEach(b -> byRule.put(b.ruleIdx(), b));
        baselines.put(List.of(r.id(), applying.idx(), applying.attempt()), byRule);
        put(rollouts.get(r.id()), List.of(applying));
        return append(r.id(), EventType.PHASE_STARTED, applying.name(), message, RolloutLog.CONTROLLER);
    }

    @Override
    public synchronized Map<Integer, Baseline> baselines(String rolloutId, int phaseIdx, int attempt) {
        return new TreeMap<>(baselines.getOrDefault(List.of(rolloutId, phaseIdx, attempt), Map.of()));
    }

    @Override
    public synchronized void updateChange(Change ch) {
        transactions++;
        markTransactions++;
        mark(ch);
    }

    @Override
    public synchronized void updateChanges(String rolloutId, JournalMarks marks, String actor) {
        transactions++;
        saveMarks(rolloutId, marks, actor);
    }

    private void saveMarks(String rolloutId, JournalMarks marks, String actor) {
        if (marks.changes().isEmpty() && marks.flagSetMessages().isEmpty()) {
            return;
        }
        if (failNextMarks != null) {
            RuntimeException e = failNextMarks;
            failNextMarks = null;
            throw e;
        }
        markTransactions++;
        marks.changes().forEach(this::mark);
        marks.flagSetMessages().forEach(m -> append(rolloutId, EventType.FLAG_SET, marks.phase(), m, actor));
    }

    private void mark(Change ch) {
        replace(ch, stored -> new Change(stored.rolloutId(), stored.phaseIdx(), stored.attempt(), stored.pos(), stored.kind(),
                stored.subject(), stored.prevExists(), stored.prevBasisPoints(), stored.prevVersion(), stored.targetBasisPoints(),
                stored.migrationIndex(), ch.migrationId(), ch.stepsDone(), ch.applied(), ch.restored(), ch.appliedVersion()));
    }

    @Override
    public synchronized void journalPrevious(Change ch, String phase, String message, String actor) {
        transactions++;
        replace(ch, stored -> stored.withPrevious(ch.prevExists(), ch.prevBasisPoints(), ch.prevVersion()));
        if (message != null) {
            append(ch.rolloutId(), EventType.FLAG_SET, phase, message, actor);
        }
    }

    @Override
    public synchronized Map<Integer, Integer> breachCounts(String rolloutId, int phaseIdx, int attempt) {
        breachCountReads++;
        Map<Integer, Integer> counts = new TreeMap<>();
        breaches.forEach((key, count) -> {
            if (key.subList(0, 3).equals(List.of(rolloutId, phaseIdx, attempt))) {
                counts.put((Integer) key.get(3), count);
            }
        });
        return counts;
    }

    @Override
    public synchronized void saveBreachCount(String rolloutId, PhaseRecord p, int ruleIdx, int inARow, String breachMessage,
                                             String actor) {
        transactions++;
        List<Object> key = List.of(rolloutId, p.idx(), p.attempt(), ruleIdx);
        if (inARow == 0) {
            breaches.remove(key);
        } else {
            breaches.put(key, inARow);
        }
        if (breachMessage != null) {
            append(rolloutId, EventType.SIGNAL_BREACHED, p.name(), breachMessage, actor);
        }
    }

    @Override
    public synchronized void clearBreachCounts(String rolloutId) {
        transactions++;
        breaches.keySet().removeIf(key -> key.get(0).equals(rolloutId));
    }

    /** Every event of the rollout, in order. */
    synchronized List<RolloutEventRecord> events(String rolloutId) {
        return List.copyOf(events.getOrDefault(rolloutId, List.of()));
    }

    /** The messages of the rollout's events of {@code type}, in order. */
    synchronized List<String> messages(String rolloutId, EventType type) {
        return events(rolloutId).stream().filter(e -> e.type() == type).map(RolloutEventRecord::message).toList();
    }

    private void replace(Change ch, UnaryOperator<Change> update) {
        for (int i = 0; i < journal.size(); i++) {
            Change stored = journal.get(i);
            if (stored.rolloutId().equals(ch.rolloutId()) && stored.phaseIdx() == ch.phaseIdx() && stored.attempt() == ch.attempt()
                    && stored.pos() == ch.pos()) {
                journal.set(i, update.apply(stored));
            }
        }
    }

    private RolloutEventRecord append(String rolloutId, EventType type, String phase, String message, String actor) {
        List<RolloutEventRecord> log = events.computeIfAbsent(rolloutId, k -> new ArrayList<>());
        RolloutEventRecord e = new RolloutEventRecord(rolloutId, log.size() + 1, Instant.now(), type, phase == null ? "" : phase,
                message, actor);
        log.add(e);
        return e;
    }
}
