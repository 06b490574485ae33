package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The parsed plan of each rollout, by id: a plan never changes once its rollout exists, so it is parsed once. */
public final class Plans {
    private final Map<String, Plan> byRollout = new ConcurrentHashMap<>();

    public Plan of(RolloutRecord r) {
        return byRollout.computeIfAbsent(r.id(), k -> PlanParser.stored(r.planYaml()));
    }

    void put(String rolloutId, Plan plan) {
        byRollout.put(rolloutId, plan);
    }

    /** A standby keeps no plans; it parses them again if it becomes the leader. */
    void clear() {
        byRollout.clear();
    }
}
