package io.ulidmesh.rollout.domain.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A phase of a plan: flags in plan order, migrations, bake time, an optional manual gate and an
 * optional rollback window of its own (null: the plan's).
 */
public record PhaseSpec(String name, Map<String, FlagValue> flags, List<PlannedMigration> migrations, Duration bake,
                        boolean manualGate, Duration rollbackWindow) {
}
