package io.ulidmesh.rollout.domain;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import io.ulidmesh.rollout.domain.plan.Numbers;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import io.ulidmesh.rollout.domain.plan.SignalSource;
import io.ulidmesh.rollout.domain.plan.SignalSpec;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.HealthPort;
import io.ulidmesh.rollout.domain.port.MigrationPort;
import io.ulidmesh.rollout.domain.port.MigrationTarget;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.PeerHealth;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** The readiness checklist of a plan: services healthy, flags and targets known, signal sources answering. */
public final class Readiness {
    private final FlagPort flags;
    private final MigrationPort worker;
    private final HealthPort health;
    private final SignalMonitor signals;
    private final String flagServiceAddress;
    private final String migrationWorkerAddress;

    public Readiness(FlagPort flags, MigrationPort worker, HealthPort health, SignalMonitor signals, String flagServiceAddress,
                     String migrationWorkerAddress) {
        this.flags = flags;
        this.worker = worker;
        this.health = health;
        this.signals = signals;
        this.flagServiceAddress = flagServiceAddress;
        this.migrationWorkerAddress = migrationWorkerAddress;
    }

    /** One check: what, whether it passed, and why or what was seen. */
    public record Check(String name, boolean passed, String detail) {
    }

    /**
     * The checklist of a plan from a request; INVALID_ARGUMENT, before any request is sent, when the
     * plan is invalid or its signals may not be pulled.
     */
    public List<Check> check(String planYaml) {
        return checks(PlanParser.parse(planYaml, signals.allowlist()));
    }

    /**
     * The checklist of a stored rollout's plan; FAILED_PRECONDITION, before any request is sent,
     * when its signals may no longer be pulled.
     */
    public List<Check> check(Plan plan) {
        List<String> refused = signals.allowlist().problems(plan);
        if (!refused.isEmpty()) {
            throw DomainException.failedPrecondition("the plan's signals may not be pulled: " + String.join("; ", refused));
        }
        return checks(plan);
    }

    private List<Check> checks(Plan plan) {
        List<Check> checks = new ArrayList<>();
        boolean flagsUp = service(checks, "flag-service", flagServiceAddress);
        boolean migrations = plan.phases().stream().anyMatch(p -> !p.migrations().isEmpty());
        boolean workerUp = migrations && service(checks, "migration-worker", migrationWorkerAddress);
        Set<String> flagNames = new LinkedHashSet<>();
        plan.phases().forEach(p -> flagNames.addAll(p.flags().keySet()));
        for (String flag : flagNames) {
            checks.add(flagKnown(flag, flagsUp));
        }
        if (migrations) {
            targetsKnown(plan, workerUp, checks);
        }
        for (SignalSpec s : plan.signals()) {
            checks.add(signalAnswering(s));
        }
        return checks;
    }

    private boolean service(List<Check> checks, String service, String address) {
        String name = "service " + service + " healthy";
        try {
            PeerHealth status = health.check(address, "");
            boolean up = status == PeerHealth.SERVING;
            checks.add(new Check(name, up, address + " " + status));
            return up;
        } catch (PeerFailure e) {
            checks.add(new Check(name, false, address + ": " + e.getMessage()));
            return false;
        }
    }

    private Check flagKnown(String flag, boolean flagsUp) {
        String name = "flag " + flag + " known";
        if (!flagsUp) {
            return new Check(name, false, "flag-service is not healthy");
        }
        try {
            return flags.getFlag(flag).map(s -> new Check(name, true, "version " + s.version() + ", " + new FlagValue(s.basisPoints()).text()))
                    .orElseGet(() -> new Check(name, false, "flag-service has no flag " + flag));
        } catch (PeerFailure e) {
            return new Check(name, false, e.getMessage());
        }
    }

    private void targetsKnown(Plan plan, boolean workerUp, List<Check> checks) {
        List<MigrationTarget> known = List.of();
        String problem = workerUp ? null : "migration-worker is not healthy";
        if (workerUp) {
            try {
                known = worker.targets();
            } catch (PeerFailure e) {
                problem = e.getMessage();
            }
        }
        Set<String> targets = new LinkedHashSet<>();
        plan.phases().forEach(p -> p.migrations().stream().map(PlannedMigration::target).forEach(targets::add));
        for (String target : targets) {
            String name = "target " + target + " known";
            Optional<MigrationTarget> t = known.stream().filter(k -> k.name().equals(target)).findFirst();
            checks.add(problem != null ? new Check(name, false, problem)
                    : t.map(k -> new Check(name, true, k.dialect() + " " + k.jdbcUrl()))
                    .orElseGet(() -> new Check(name, false, "migration-worker has no target " + target)));
        }
    }

    private Check signalAnswering(SignalSpec s) {
        String name = "signal " + s.name() + " answering";
        if (s.source() == SignalSource.PUSH) {
            return new Check(name, true, "pushed through ReportSignal");
        }
        try {
            OptionalDouble v = signals.pull(s);
            return v.isPresent() ? new Check(name, true, s.source().text() + " value " + Numbers.text(v.getAsDouble()))
                    : new Check(name, false, s.source().text() + " answered without data");
        } catch (PeerFailure e) {
            return new Check(name, false, e.getMessage());
        }
    }
}
