package io.ulidmesh.flags.domain;

import io.ulidmesh.common.error.DomainException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The flag storage port in memory, keeping what the database keeps: the last version of a deleted
 * name, one global revision sequence, the history with each change's before state.
 */
final class InMemoryFlagRepository implements FlagRepository {
    private final TreeMap<String, FlagState> flags = new TreeMap<>();
    private final TreeMap<String, Long> revisionOf = new TreeMap<>();
    /** The history: index i holds revision i + 1. */
    private final List<RecordedChange> changes = new ArrayList<>();
    private Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Written set(SetFlagCommand command, String actor) {
        FlagState before = flags.get(command.name());
        long lastVersion = before != null ? before.version() : lastVersion(command.name());
        FlagState after = command.applyTo(before, lastVersion, tick(), actor);
        if (after == before) {
            return new Written(before, null);
        }
        RecordedChange change = record(ChangeType.UPSERTED, after, before, actor, command.reason());
        flags.put(after.name(), after);
        return new Written(after, change);
    }

    @Override
    public RecordedChange delete(String name, long expectedVersion, String reason, String actor) {
        FlagState current = flags.get(name);
        if (current == null) {
            throw DomainException.notFound("flag '" + name + "' does not exist");
        }
        FlagRules.checkExpectedVersion(name, expectedVersion, current);
        tick();
        RecordedChange change = record(ChangeType.DELETED, current, current, actor, reason);
        flags.remove(name);
        return change;
    }

    @Override
    public Optional<FlagState> find(String name) {
        return Optional.ofNullable(flags.get(name));
    }

    @Override
    public List<FlagState> list(String afterName, int limit) {
        return flags.tailMap(afterName, false).values().stream().limit(limit).toList();
    }

    @Override
    public List<RecordedChange> history(String name, long beforeRevision, int limit) {
        return changes.stream().filter(c -> c.flag().name().equals(name) && c.revision() < beforeRevision)
                .sorted(Comparator.comparingLong(RecordedChange::revision).reversed()).limit(limit).toList();
    }

    @Override
    public List<RecordedChange> changesAfter(long afterRevision, int limit) {
        return changes.stream().skip(afterRevision).limit(limit).map(InMemoryFlagRepository::withoutBefore).toList();
    }

    @Override
    public Snapshot snapshot() {
        List<RecordedChange> live = revisionOf.entrySet().stream().filter(e -> flags.containsKey(e.getKey()))
                .map(e -> withoutBefore(changes.get((int) (e.getValue() - 1))))
                .sorted(Comparator.comparingLong(RecordedChange::revision)).toList();
        return new Snapshot(live, head());
    }

    @Override
    public long head() {
        return changes.size();
    }

    private RecordedChange record(ChangeType type, FlagState flag, FlagState before, String actor, String reason) {
        RecordedChange change = new RecordedChange(changes.size() + 1, type, flag, before, clock, actor, reason);
        changes.add(change);
        revisionOf.put(flag.name(), change.revision());
        return change;
    }

    private long lastVersion(String name) {
        return history(name, Long.MAX_VALUE, 1).stream().mapToLong(c -> c.flag().version()).findFirst().orElse(0);
    }

    /** The change stream carries no before state, as in the database. */
    private static RecordedChange withoutBefore(RecordedChange c) {
        return new RecordedChange(c.revision(), c.type(), c.flag(), null, c.at(), c.actor(), c.reason());
    }

    private Instant tick() {
        clock = clock.plusSeconds(1);
        return clock;
    }
}
