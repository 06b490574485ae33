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
    /** The history, in revision order; one SetFlags adds several changes of one revision. */
    private final List<RecordedChange> changes = new ArrayList<>();
    private long head;
    private Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    /** All or nothing, like the database's transaction: every expected version is checked before any write. */
    @Override
    public Written set(List<SetFlagCommand> commands, String actor) {
        Instant at = tick();
        List<FlagState> now = new ArrayList<>();
        List<FlagState[]> changed = new ArrayList<>();
        List<SetFlagCommand> changing = new ArrayList<>();
        for (SetFlagCommand command : commands) {
            FlagState before = flags.get(command.name());
            long lastVersion = before != null ? before.version() : lastVersion(command.name());
            FlagState after = command.applyTo(before, lastVersion, at, actor);
            now.add(after == null ? before : after);
            if (after != before) {
                changed.add(new FlagState[] {before, after});
                changing.add(command);
            }
        }
        if (changed.isEmpty()) {
            return new Written(now, null);
        }
        head++;
        List<RecordedChange> recorded = new ArrayList<>();
        for (int i = 0; i < changed.size(); i++) {
            FlagState before = changed.get(i)[0];
            FlagState after = changed.get(i)[1];
            if (after == null) {
                recorded.add(record(ChangeType.DELETED, before, before, actor, changing.get(i).reason()));
                flags.remove(before.name());
                continue;
            }
            recorded.add(record(ChangeType.UPSERTED, after, before, actor, changing.get(i).reason()));
            flags.put(after.name(), after);
        }
        return new Written(now, new Commit(head, recorded));
    }

    @Override
    public RecordedChange delete(String name, long expectedVersion, String reason, String actor) {
        FlagState current = flags.get(name);
        if (current == null) {
            throw DomainException.notFound("flag '" + name + "' does not exist");
        }
        FlagRules.checkExpectedVersion(name, expectedVersion, current);
        tick();
        head++;
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
    public List<Commit> commitsAfter(long afterRevision, int limit) {
        TreeMap<Long, List<RecordedChange>> byRevision = new TreeMap<>();
        for (RecordedChange c : changes) {
            if (c.revision() > afterRevision) {
                byRevision.computeIfAbsent(c.revision(), r -> new ArrayList<>()).add(withoutBefore(c));
            }
        }
        return byRevision.entrySet().stream().limit(limit).map(e -> new Commit(e.getKey(), e.getValue())).toList();
    }

    @Override
    public Snapshot snapshot() {
        List<RecordedChange> live = changes.stream()
                .filter(c -> flags.containsKey(c.flag().name()) && revisionOf.get(c.flag().name()) == c.revision())
                .map(InMemoryFlagRepository::withoutBefore)
                .sorted(Comparator.comparingLong(RecordedChange::revision)).toList();
        return new Snapshot(live, head());
    }

    @Override
    public long head() {
        return head;
    }

    private RecordedChange record(ChangeType type, FlagState flag, FlagState before, String actor, String reason) {
        RecordedChange change = new RecordedChange(head, type, flag, before, clock, actor, reason);
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
