package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.plan.PhaseSpec;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The read side: rollouts with their plans, and their event logs. Every replica answers these, standby or not. */
public final class RolloutQueries {
    /** Events read from the store at a time. */
    private static final int EVENT_PAGE = 500;

    private final RolloutStore store;
    private final Plans plans;

    public RolloutQueries(RolloutStore store, Plans plans) {
        this.store = store;
        this.plans = plans;
    }

    /** The rollout as stored; NOT_FOUND when there is none. */
    public RolloutRecord record(String id) {
        return store.get(id);
    }

    public RolloutView get(String id) {
        return view(store.get(id));
    }

    /** Newest first; {@code beforeId} is the last id of the previous page, or null. */
    public List<RolloutView> list(int limit, String beforeId) {
        return store.list(limit, beforeId).stream().map(this::view).toList();
    }

    public Plan plan(String id) {
        return plans.of(store.get(id));
    }

    /** Every event of the rollout after {@code afterSequence}, in order. */
    public List<RolloutEventRecord> eventsAfter(String id, long afterSequence) {
        List<RolloutEventRecord> all = new ArrayList<>();
        List<RolloutEventRecord> page;
        long after = afterSequence;
        do {
            page = store.events(id, after, EVENT_PAGE);
            all.addAll(page);
            after = page.isEmpty() ? after : page.get(page.size() - 1).sequence();
        } while (page.size() == EVENT_PAGE);
        return all;
    }

    public RolloutView view(RolloutRecord r) {
        Plan plan = plans.of(r);
        List<List<String>> migrationIds = new ArrayList<>();
        for (PhaseRecord p : r.phases()) {
            PhaseSpec spec = plan.phases().get(p.idx());
            List<Change> journal = p.state() == PhaseStatus.PENDING || spec.migrations().isEmpty()
                    ? List.of() : store.changes(r.id(), p.idx(), p.attempt());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < spec.migrations().size(); i++) {
                int index = i;
                ids.add(journal.stream().filter(c -> c.migrationIndex() != null && c.migrationIndex() == index)
                        .map(Change::migrationId).filter(Objects::nonNull).findFirst().orElse(""));
            }
            migrationIds.add(ids);
        }
        return new RolloutView(r, plan, migrationIds);
    }
}
