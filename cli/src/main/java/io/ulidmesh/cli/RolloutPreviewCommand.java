package io.ulidmesh.cli;

import io.ulidmesh.proto.rollout.v1.FlagChange;
import io.ulidmesh.proto.rollout.v1.MigrationPreview;
import io.ulidmesh.proto.rollout.v1.PhasePreview;
import io.ulidmesh.proto.rollout.v1.PreviewRolloutRequest;
import io.ulidmesh.proto.rollout.v1.RolloutPreview;
import io.ulidmesh.proto.rollout.v1.SignalHealth;
import io.ulidmesh.proto.rollout.v1.ThresholdHealth;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ulidmesh rollout preview FILE}: PreviewRollout, the whole-plan dry run; nothing is changed anywhere. */
@Command(name = "preview", description = {"What each phase of a plan would do (PreviewRollout; role viewer): each flag before and after,"
        + " each migration, each signal now against its rules, and the readiness checklist. Nothing is changed.",
        "Exit 1 when the plan is not ready or a signal would breach a rule now."})
final class RolloutPreviewCommand extends MeshCommand {
    @Parameters(paramLabel = "FILE", description = "the plan")
    Path file;

    @Override
    int run(Mesh mesh) {
        RolloutPreview p = mesh.controller().previewRollout(PreviewRolloutRequest.newBuilder()
                .setPlanYaml(PlanLint.of(root().workingDirectory(), file).yaml).build());
        if (json()) {
            Json.print(out(), p);
        } else {
            print(out(), p);
        }
        boolean breach = p.getSignalsList().stream().flatMap(s -> s.getThresholdsList().stream()).anyMatch(ThresholdHealth::getBreached);
        return p.getReadiness().getReady() && !breach ? 0 : 1;
    }

    static void print(PrintWriter out, RolloutPreview p) {
        out.println("preview of " + p.getName() + ": nothing is changed");
        for (PhasePreview phase : p.getPhasesList()) {
            out.println("phase " + phase.getName());
            for (FlagChange f : phase.getFlagsList()) {
                String before = !f.getError().isEmpty() ? "? " + f.getError()
                        : f.getBefore() + (f.getBeforeVersion() == 0 ? "" : " (v" + f.getBeforeVersion() + ")")
                        + (f.getSetByPhase().isEmpty() ? "" : " (by phase " + f.getSetByPhase() + ")");
                out.println("  flag " + f.getName() + ": " + before + " → " + f.getAfter());
            }
            for (MigrationPreview m : phase.getMigrationsList()) {
                out.println("  migration " + m.getTarget() + "." + m.getTable() + ": steps " + String.join(", ", m.getStepsList())
                        + "; " + m.getEstimate());
            }
        }
        Text.Table signals = new Text.Table("SIGNAL", "VALUE", "SOURCE", "RULES");
        for (SignalHealth s : p.getSignalsList()) {
            signals.row(s.getName(), s.getHasValue() ? Text.number(s.getValue()) : "no data (" + s.getDetail() + ")", s.getSource(),
                    s.getThresholdsList().stream().map(t -> (t.getBreached() ? "WOULD BREACH " : "") + t.getRule())
                            .collect(Collectors.joining("; ")));
        }
        if (!signals.isEmpty()) {
            signals.print(out);
        }
        RolloutCommands.printReadiness(out, p.getReadiness());
    }
}
