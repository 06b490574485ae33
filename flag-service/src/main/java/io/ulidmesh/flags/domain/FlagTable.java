package io.ulidmesh.flags.domain;

import io.ulidmesh.flags.client.CohortHash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This replica's in-memory copy of every flag, which evaluations read without touching the
 * database. Fed in revision order by the change feed and directly by this replica's own writes;
 * an entry only ever moves to a newer revision, so the two feeds never roll a flag back.
 * A commit replaces the whole map at once (writes are rare, reads are not), so a reader holding a
 * {@link View} never sees half of a commit.
 */
public final class FlagTable {
    /** {@code flag} is null once the flag is deleted; the revision stays to order later changes. */
    private record Entry(FlagState flag, long revision) {
    }

    /** The table at one moment: every read through it sees the same commits. */
    public static final class View {
        private final Map<String, Entry> entries;

        private View(Map<String, Entry> entries) {
            this.entries = entries;
        }

        public FlagState get(String name) {
            Entry entry = entries.get(name);
            return entry == null ? null : entry.flag();
        }

        public EvaluationResult evaluate(String name, String entityId) {
            FlagState flag = get(name);
            if (flag == null) {
                return new EvaluationResult(name, entityId, false, 0, Reason.FLAG_NOT_FOUND, 0);
            }
            return FlagTable.evaluate(flag, entityId);
        }

        /** Every live flag, by name. */
        public List<FlagState> all() {
            List<FlagState> flags = new ArrayList<>();
            for (Entry entry : entries.values()) {
                if (entry.flag() != null) {
                    flags.add(entry.flag());
                }
            }
            flags.sort(Comparator.comparing(FlagState::name));
            return flags;
        }
    }

    private volatile View view = new View(Map.of());

    public void apply(Commit commit) {
        applyAll(commit.changes());
    }

    /** Applies the changes as one step (a commit, or a whole snapshot at startup). */
    public synchronized void applyAll(List<RecordedChange> changes) {
        Map<String, Entry> next = new HashMap<>(view.entries);
        for (RecordedChange change : changes) {
            Entry old = next.get(change.flag().name());
            if (old == null || old.revision() < change.revision()) {
                next.put(change.flag().name(), new Entry(change.after(), change.revision()));
            }
        }
        view = new View(next);
    }

    /** The table as it is now; hold it to read several flags consistently. */
    public View view() {
        return view;
    }

    public FlagState get(String name) {
        return view.get(name);
    }

    /** Every live flag, by name. */
    public List<FlagState> all() {
        return view.all();
    }

    public EvaluationResult evaluate(String name, String entityId) {
        return view.evaluate(name, entityId);
    }

    public static EvaluationResult evaluate(FlagState flag, String entityId) {
        int bucket = CohortHash.bucket(flag.cohort(), entityId);
        int bp = flag.basisPoints();
        Reason reason;
        if (bp <= 0) {
            reason = Reason.FLAG_OFF;
        } else if (bp >= CohortHash.ALL) {
            reason = Reason.FLAG_ON;
        } else {
            reason = bucket < bp ? Reason.IN_ROLLOUT : Reason.OUT_OF_ROLLOUT;
        }
        boolean enabled = reason == Reason.FLAG_ON || reason == Reason.IN_ROLLOUT;
        return new EvaluationResult(flag.name(), entityId, enabled, bucket, reason, flag.version());
    }
}
