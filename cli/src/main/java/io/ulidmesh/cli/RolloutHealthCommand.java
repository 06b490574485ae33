package io.ulidmesh.cli;

import io.ulidmesh.proto.rollout.v1.Alert;
import io.ulidmesh.proto.rollout.v1.DeploymentHealth;
import io.ulidmesh.proto.rollout.v1.FlagHealth;
import io.ulidmesh.proto.rollout.v1.GetDeploymentHealthRequest;
import io.ulidmesh.proto.rollout.v1.RolloutHealth;
import io.ulidmesh.proto.rollout.v1.SignalHealth;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ulidmesh rollout health [ID]}: GetDeploymentHealth, the seed's get_deployment_health. */
@Command(name = "health", description = {"The deployment's health (GetDeploymentHealth): per active rollout its phase, each flag its"
        + " phases set (planned and on flag-service now), each signal's value against its rollback rules, and the alerts"
        + " Alertmanager has active (when the controller has ulidmesh.rollout.alertmanager-url).",
        "Exit 1 when a signal breaches a threshold or an alert is active."})
final class RolloutHealthCommand extends MeshCommand {
    @Parameters(paramLabel = "ID", arity = "0..1", description = "only this rollout (any state); default every active one")
    String id;

    @Override
    int run(Mesh mesh) {
        DeploymentHealth h = mesh.controller().getDeploymentHealth(GetDeploymentHealthRequest.newBuilder()
                .setId(id == null ? "" : id).build());
        if (json()) {
            Json.print(out(), h);
        } else {
            print(out(), h);
        }
        boolean breached = h.getRolloutsList().stream().flatMap(r -> r.getSignalsList().stream())
                .flatMap(s -> s.getThresholdsList().stream()).anyMatch(ThresholdHealth::getBreached);
        return breached || h.getAlertsCount() > 0 ? 1 : 0;
    }

    static void print(PrintWriter out, DeploymentHealth h) {
        if (h.getRolloutsCount() == 0) {
            out.println("no active rollout");
        }
        for (RolloutHealth r : h.getRolloutsList()) {
            out.println("rollout " + r.getId() + "  " + r.getName() + "  " + r.getState().name()
                    + (r.getPhase().isEmpty() ? "" : "  phase " + r.getPhase() + " " + r.getPhaseState().name().replace("PHASE_", "")));
            if (!r.getLastReason().isEmpty()) {
                out.println("  reason: " + r.getLastReason());
            }
            Text.Table flags = new Text.Table("  FLAG", "PLANNED", "NOW", "VERSION");
            for (FlagHealth f : r.getFlagsList()) {
                flags.row("  " + f.getName(), f.getPlanned(), f.getError().isEmpty() ? f.getCurrent() : "? " + f.getError(),
                        f.getVersion() == 0 ? "" : "v" + f.getVersion());
            }
            if (!flags.isEmpty()) {
                flags.print(out);
            }
            Text.Table signals = new Text.Table("  SIGNAL", "VALUE", "SOURCE", "RULES");
            for (SignalHealth s : r.getSignalsList()) {
                signals.row("  " + s.getName(), s.getHasValue() ? Text.number(s.getValue()) : "no value (" + s.getDetail() + ")",
                        s.getSource(), s.getThresholdsList().stream().map(t -> (t.getBreached() ? "BREACHED " : "") + t.getRule()
                                + (t.getInARow() > 0 ? " [" + t.getInARow() + "/" + t.getFor() + " in a row]" : ""))
                                .collect(Collectors.joining("; ")));
            }
            if (!signals.isEmpty()) {
                signals.print(out);
            }
        }
        if (h.getAlertsSource().isEmpty()) {
            out.println("alerts: no Alertmanager configured (ulidmesh.rollout.alertmanager-url)");
        } else if (!h.getAlertsError().isEmpty()) {
            out.println("alerts: unknown, " + h.getAlertsError());
        } else if (h.getAlertsCount() == 0) {
            out.println("alerts: none active at " + h.getAlertsSource());
        } else {
            Text.Table alerts = new Text.Table("ALERT", "SEVERITY", "SINCE", "SUMMARY");
            for (Alert a : h.getAlertsList()) {
                alerts.row(a.getName(), a.getSeverity(), a.hasStartsAt() ? Text.time(a.getStartsAt()) : "", a.getSummary());
            }
            alerts.print(out);
        }
    }
}
