package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.plan.Plan;
import java.util.List;

/** A rollout as GetRollout shows it: as stored, its plan, and the worker's id of each phase's migrations ("" until created). */
public record RolloutView(RolloutRecord rollout, Plan plan, List<List<String>> migrationIds) {

    public String migrationId(int phaseIdx, int migrationIdx) {
        return migrationIds.get(phaseIdx).get(migrationIdx);
    }
}
