package io.ulidmesh.rollout.domain.plan;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A validated rollout plan. */
public record Plan(String name, Duration interval, List<SignalSpec> signals, List<RuleSpec> rules,
                   List<PhaseSpec> phases, List<NotificationSpec> notifications) {

    public Optional<SignalSpec> signal(String name) {
        return signals.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
