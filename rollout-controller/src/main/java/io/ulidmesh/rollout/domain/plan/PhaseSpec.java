package io.ulidmesh.rollout.domain.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A phase of a plan: flags in plan order, migrations, bake time and an optional manual gate. */
public record PhaseSpec(String name, Map<String, FlagValue> flags, List<PlannedMigration> migrations, Duration bake,
                        boolean manualGate) {
}
