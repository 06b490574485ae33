package io.ulidmesh.rollout.domain.plan;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A validated rollout plan. {@code rollbackWindow} is the plan's default for how long after a
 * phase completes a RollbackRollout still restores it at once (ZERO: no window).
 */
public record Plan(String name, Duration interval, List<SignalSpec> signals, List<RuleSpec> rules,
                   List<PhaseSpec> phases, List<NotificationSpec> notifications, Duration rollbackWindow) {

    /** The rollback window of phase {@code idx}: its own, else the plan's. */
    public Duration rollbackWindow(int idx) {
        Duration own = phases.get(idx).rollbackWindow();
        return own != null ? own : rollbackWindow;
    }

    public Optional<SignalSpec> signal(String name) {
        return signals.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
