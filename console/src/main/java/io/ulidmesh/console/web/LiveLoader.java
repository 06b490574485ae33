package io.ulidmesh.console.web;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.console.client.MeshClients;
import io.ulidmesh.console.client.SignalReader;
import io.ulidmesh.console.domain.LiveRollout;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.migration.v1.GetMigrationRequest;
import io.ulidmesh.proto.migration.v1.Migration;
import io.ulidmesh.proto.migration.v1.MigrationProgress;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.Rollout;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import io.ulidmesh.proto.rollout.v1.DeploymentHealth;
import io.ulidmesh.proto.rollout.v1.GetDeploymentHealthRequest;
import io.ulidmesh.proto.rollout.v1.RolloutHealth;
import io.ulidmesh.proto.rollout.v1.SignalHealth;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Fills a {@link LiveRollout} around its rollout: the flags it sets, its migrations, its signals. */
@ApplicationScoped
public class LiveLoader {
    @Inject
    MeshClients clients;
    @Inject
    SignalReader signals;

    /** Reads each flag the plan sets and each migration that has no streamed progress yet; failures leave gaps. */
    public void refresh(String token, LiveRollout live, boolean readSignals) {
        Rollout r = live.rollout();
        Set<String> flagNames = new LinkedHashSet<>();
        r.getPhasesList().forEach(p -> flagNames.addAll(p.getFlagsMap().keySet()));
        for (String name : flagNames) {
            try {
                live.flag(name, clients.flags(token).getFlag(GetFlagRequest.newBuilder().setName(name).build()));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                    live.flag(name, null);
                }
            }
        }
        for (Phase p : r.getPhasesList()) {
            for (PhaseMigration m : p.getMigrationsList()) {
                if (m.getMigrationId().isEmpty()) {
                    continue;
                }
                try {
                    Migration mg = clients.worker(token).getMigration(GetMigrationRequest.newBuilder().setId(m.getMigrationId()).build());
                    live.migration(progressOf(mg));
                } catch (StatusRuntimeException e) {
                    // shown as a link to the migration instead of a bar
                }
            }
        }
        if (readSignals) {
            readSignals(token, live);
        }
    }

    /**
     * Each signal's value and thresholds: from the controller's GetDeploymentHealth (the user's token;
     * active rollouts only), else from its gauges (a controller without that RPC).
     */
    private void readSignals(String token, LiveRollout live) {
        Rollout r = live.rollout();
        Map<String, Double> values = new HashMap<>();
        try {
            DeploymentHealth health = clients.controller(token).getDeploymentHealth(
                    GetDeploymentHealthRequest.newBuilder().setId(r.getId()).build());
            for (RolloutHealth rh : health.getRolloutsList()) {
                if (!rh.getId().equals(r.getId())) {
                    continue;
                }
                for (SignalHealth sh : rh.getSignalsList()) {
                    Double above = null;
                    Double below = null;
                    for (ThresholdHealth t : sh.getThresholdsList()) {
                        if (t.getBound().equals("above")) {
                            above = above == null ? t.getThreshold() : Math.min(above, t.getThreshold());
                        } else if (t.getBound().equals("below")) {
                            below = below == null ? t.getThreshold() : Math.max(below, t.getThreshold());
                        }
                    }
                    live.thresholds(sh.getName(), new LiveRollout.Thresholds(above, below));
                    if (sh.getHasValue()) {
                        values.put(sh.getName(), sh.getValue());
                    }
                }
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
                return;
            }
            // The gauges hold every running plan's signals: keep those this plan names.
            SignalReader.Reading reading = signals.read();
            reading.values().forEach((name, v) -> {
                if (r.getPlanYaml().contains(name)) {
                    values.put(name, v);
                }
            });
            reading.thresholds().forEach((name, t) -> {
                if (values.containsKey(name)) {
                    live.thresholds(name, t);
                }
            });
        }
        live.signals(values, Instant.now());
    }

    static MigrationProgress progressOf(Migration m) {
        return MigrationProgress.newBuilder().setId(m.getId()).setState(m.getState()).setRowsDone(m.getRowsBackfilled())
                .setRowsTotal(m.getRowsTotal()).setRowsPerSecond(m.getRowsPerSecond()).build();
    }
}
