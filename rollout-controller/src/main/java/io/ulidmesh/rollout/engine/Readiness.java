package io.ulidmesh.rollout.engine;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.ulidmesh.proto.migration.v1.Target;
import io.ulidmesh.rollout.domain.FlagValue;
import io.ulidmesh.rollout.domain.MigrationSpec;
import io.ulidmesh.rollout.domain.Numbers;
import io.ulidmesh.rollout.domain.PhaseSpec;
import io.ulidmesh.rollout.domain.Plan;
import io.ulidmesh.rollout.domain.SignalSource;
import io.ulidmesh.rollout.domain.SignalSpec;
import io.ulidmesh.rollout.peers.PeerException;
import io.ulidmesh.rollout.peers.Peers;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** The readiness checklist of a plan: services healthy, flags and targets known, signal sources answering. */
@ApplicationScoped
public class Readiness {
    private final Peers peers;
    private final RolloutEngine engine;

    public Readiness(Peers peers, RolloutEngine engine) {
        this.peers = peers;
        this.engine = engine;
    }

    /** One check: what, whether it passed, and why or what was seen. */
    public record Check(String name, boolean passed, String detail) {
    }

    public List<Check> check(Plan plan) {
        List<Check> checks = new ArrayList<>();
        boolean flagsUp = service(checks, "flag-service", peers.flagServiceAddress());
        boolean migrations = plan.phases().stream().anyMatch(p -> !p.migrations().isEmpty());
        boolean workerUp = migrations && service(checks, "migration-worker", peers.migrationWorkerAddress());
        Set<String> flags = new LinkedHashSet<>();
        plan.phases().forEach(p -> flags.addAll(p.flags().keySet()));
        for (String flag : flags) {
            String name = "flag " + flag + " known";
            if (!flagsUp) {
                checks.add(new Check(name, false, "flag-service is not healthy"));
                continue;
            }
            try {
                Optional<Peers.FlagState> f = peers.getFlag(flag);
                checks.add(f.map(s -> new Check(name, true, "version " + s.version() + ", " + new FlagValue(s.basisPoints()).text()))
                        .orElseGet(() -> new Check(name, false, "flag-service has no flag " + flag)));
            } catch (PeerException e) {
                checks.add(new Check(name, false, e.getMessage()));
            }
        }
        if (migrations) {
            List<Target> known = List.of();
            String problem = workerUp ? null : "migration-worker is not healthy";
            if (workerUp) {
                try {
                    known = peers.targets();
                } catch (PeerException e) {
                    problem = e.getMessage();
                }
            }
            Set<String> targets = new LinkedHashSet<>();
            for (PhaseSpec p : plan.phases()) {
                p.migrations().stream().map(MigrationSpec::target).forEach(targets::add);
            }
            for (String target : targets) {
                String name = "target " + target + " known";
                Optional<Target> t = known.stream().filter(k -> k.getName().equals(target)).findFirst();
                checks.add(problem != null ? new Check(name, false, problem)
                        : t.map(k -> new Check(name, true, k.getDialect() + " " + k.getJdbcUrl()))
                        .orElseGet(() -> new Check(name, false, "migration-worker has no target " + target)));
            }
        }
        for (SignalSpec s : plan.signals()) {
            String name = "signal " + s.name() + " answering";
            if (s.source() == SignalSource.PUSH) {
                checks.add(new Check(name, true, "pushed through ReportSignal"));
                continue;
            }
            try {
                OptionalDouble v = engine.pull(s);
                checks.add(v.isPresent() ? new Check(name, true, s.source().text() + " value " + Numbers.text(v.getAsDouble()))
                        : new Check(name, false, s.source().text() + " answered without data"));
            } catch (PeerException e) {
                checks.add(new Check(name, false, e.getMessage()));
            }
        }
        return checks;
    }

    private boolean service(List<Check> checks, String service, String address) {
        String name = "service " + service + " healthy";
        try {
            HealthCheckResponse.ServingStatus status = peers.health(address, "");
            boolean up = status == HealthCheckResponse.ServingStatus.SERVING;
            checks.add(new Check(name, up, address + " " + status));
            return up;
        } catch (PeerException e) {
            checks.add(new Check(name, false, address + ": " + e.getMessage()));
            return false;
        }
    }
}
