package io.ulidmesh.flags.domain;

import io.ulidmesh.flags.client.CohortHash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's in-memory copy of every flag, which evaluations read without touching the
 * database. Fed in revision order by the change feed and directly by this replica's own writes;
 * an entry only ever moves to a newer revision, so the two feeds never roll a flag back.
 */
public final class FlagTable {
    /** {@code flag} is null once the flag is deleted; the revision stays to order later changes. */
    private record Entry(FlagState flag, long revision) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public void apply(RecordedChange change) {
        entries.compute(change.flag().name(), (name, old) ->
                old != null && old.revision() >= change.revision() ? old : new Entry(change.after(), change.revision()));
    }

    public FlagState get(String name) {
        Entry entry = entries.get(name);
        return entry == null ? null : entry.flag();
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

    public EvaluationResult evaluate(String name, String entityId) {
        FlagState flag = get(name);
        if (flag == null) {
            return new EvaluationResult(name, entityId, false, 0, Reason.FLAG_NOT_FOUND, 0);
        }
        return evaluate(flag, entityId);
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
