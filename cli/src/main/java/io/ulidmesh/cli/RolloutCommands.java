package io.ulidmesh.cli;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.rollout.v1.CheckReadinessRequest;
import io.ulidmesh.proto.rollout.v1.CreateRolloutRequest;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsRequest;
import io.ulidmesh.proto.rollout.v1.ListRolloutsResponse;
import io.ulidmesh.proto.rollout.v1.ReadinessCheck;
import io.ulidmesh.proto.rollout.v1.ReadinessReport;
import io.ulidmesh.proto.rollout.v1.ReportSignalRequest;
import io.ulidmesh.proto.rollout.v1.ReportSignalResponse;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import io.ulidmesh.rollout.domain.plan.PhaseSpec;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ulidmesh rollout}: phased rollouts on rollout-controller. */
@Command(name = "rollout", description = "Phased rollouts on rollout-controller: lint, start, list, get --watch, the operator actions.",
        subcommands = {RolloutCommands.Lint.class, RolloutCommands.Start.class, RolloutCommands.List.class, RolloutCommands.Get.class,
                RolloutActions.Pause.class, RolloutActions.Resume.class, RolloutActions.Promote.class, RolloutActions.Rollback.class,
                RolloutActions.Abort.class, RolloutCommands.Signal.class, RolloutCommands.Readiness.class,
                RolloutHealthCommand.class, RolloutPreviewCommand.class, RolloutActions.EmergencyRollback.class})
final class RolloutCommands {
    /** States whose rollout may have flags or migrations applied that an emergency rollback undoes. */
    static final Set<RolloutState> ACTIVE = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.ROLLING_BACK,
            RolloutState.ROLLED_BACK, RolloutState.FAILED);

    private RolloutCommands() {
    }

    @Command(name = "lint", description = {"Checks a plan offline with the controller's own parser: every problem as FILE:LINE: message.",
        "Exit 1 when the plan has problems. The controller's signal allowlists and whether the flags, targets and signals answer"
                + " are checked by `rollout start FILE --dry-run` (CheckReadiness on the controller)."})
    static final class Lint extends MeshCommand {
        @Parameters(paramLabel = "FILE", description = "the plan (YAML, docs/architecture.md \"Rollout plans\")")
        Path file;

        @Override
        int run(Mesh mesh) {
            PlanLint lint = PlanLint.of(root().workingDirectory(), file);
            if (json()) {
                Json.print(out(), lint.json());
            } else if (lint.valid()) {
                lint.printPlan(out());
            } else {
                lint.printProblems(out());
            }
            if (!lint.valid()) {
                err().println(file + ": " + lint.problems.size() + " problem" + (lint.problems.size() == 1 ? "" : "s"));
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "start", description = {"Creates a rollout from a plan and starts it (CreateRollout; role operator).",
        "--dry-run changes nothing: there is no dry-run RPC for a whole plan, so it lints the plan, runs the controller's"
                + " readiness checklist on it (CheckReadiness: the plan as the controller parses it, allowlists included; flag-service"
                + " and migration-worker healthy; every target known; pulled signals answering) and shows what each phase would change,"
                + " with each flag's current value. Exit 1 when the plan is not ready."})
    static final class Start extends MeshCommand {
        @Parameters(paramLabel = "FILE", description = "the plan (YAML)")
        Path file;
        @Option(names = "--dry-run", description = "check and show, change nothing")
        boolean dryRun;

        @Override
        int run(Mesh mesh) {
            PlanLint lint = PlanLint.of(root().workingDirectory(), file);
            if (!lint.valid()) {
                if (json()) {
                    Json.print(out(), lint.json());
                } else {
                    lint.printProblems(out());
                }
                err().println(file + ": the plan has " + lint.problems.size() + " problem(s); nothing was started");
                return 1;
            }
            if (dryRun) {
                return dryRun(mesh, lint);
            }
            Rollout r = mesh.controller().createRollout(CreateRolloutRequest.newBuilder().setPlanYaml(lint.yaml).setStart(true).build());
            if (json()) {
                Json.print(out(), r);
            } else {
                out().println("started rollout " + r.getId() + " (" + r.getName() + "): " + r.getState());
                out().println("follow it: ulidmesh rollout get " + r.getId() + " --watch");
                out().flush();
            }
            return 0;
        }

        private int dryRun(Mesh mesh, PlanLint lint) {
            ReadinessReport readiness = mesh.controller().checkReadiness(CheckReadinessRequest.newBuilder().setPlanYaml(lint.yaml).build());
            Map<String, Optional<Flag>> flags = new LinkedHashMap<>();
            lint.plan.phases().forEach(p -> p.flags().keySet().forEach(name -> flags.computeIfAbsent(name, n -> readFlag(mesh, n))));
            if (json()) {
                JsonObject o = Json.object();
                o.add("plan", PlanLint.planJson(lint.plan));
                o.add("readiness", Json.of(readiness));
                JsonObject current = Json.object();
                flags.forEach((name, flag) -> current.add(name, flag.map(Json::of).orElse(JsonNull.INSTANCE)));
                o.add("currentFlags", current);
                Json.print(out(), o);
            } else {
                PrintWriter out = out();
                out.println("dry run of " + file + " (plan " + lint.plan.name() + "): nothing is changed");
                for (PhaseSpec p : lint.plan.phases()) {
                    out.println("  phase " + p.name() + (p.manualGate() ? " (manual gate)" : "") + ", bake " + Text.duration(p.bake().toSeconds()));
                    for (Map.Entry<String, FlagValue> f : p.flags().entrySet()) {
                        String now = flags.get(f.getKey()).map(x -> Text.flagValue(x.getBasisPoints()) + " (v" + x.getVersion() + ")")
                                .orElse("absent");
                        out.println("    flag " + f.getKey() + ": " + now + " → " + f.getValue().text());
                    }
                    for (PlannedMigration m : p.migrations()) {
                        out.println("    migration " + m.target() + "." + m.table() + ": add " + m.ulidColumn() + " keyed by " + m.key()
                                + ", steps " + String.join(", ", m.steps().stream().map(s -> s.text()).toList()));
                    }
                }
                out.println();
                printReadiness(out, readiness);
            }
            if (!readiness.getReady()) {
                err().println(file + ": not ready to start (see the failed checks)");
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Rollouts, newest first (ListRollouts).")
    static final class List extends MeshCommand {
        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default 100)")
        int limit;

        @Override
        int run(Mesh mesh) {
            ListRolloutsResponse all = listAll(mesh, limit);
            if (json()) {
                Json.print(out(), all);
                return 0;
            }
            Text.Table t = new Text.Table("ID", "NAME", "STATE", "PHASE", "UPDATED", "REASON");
            for (Rollout r : all.getRolloutsList()) {
                t.row(r.getId(), r.getName(), r.getState(), phaseOf(r), Text.time(r.getUpdatedAt()), r.getLastReason());
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "get", description = {"A rollout as a tree: phases and their state, each flag with its value, each migration's progress,"
            + " each signal's last value beside its thresholds, the latest events.",
        "--watch keeps it live, fed by WatchRollout and the worker's Watch streams: redrawn in place on a terminal; appended lines"
                + " when piped or with --plain; with -o json one object per line ({\"event\"}, {\"rollout\"}, {\"migration\"},"
                + " {\"flag\"}, {\"signal\"}, then {\"final\"}). It ends when the rollout is COMPLETED, ABORTED or FAILED.",
        "Signal values come from the controller's ulidmesh_rollout_signal gauge (/q/metrics, read once per plan interval) and its"
                + " breach events; no stream carries them."})
    static final class Get extends MeshCommand {
        @Parameters(paramLabel = "ID", description = "the rollout's ULID")
        String id;
        @Mixin
        WatchOptions live;

        @Override
        int run(Mesh mesh) throws InterruptedException {
            if (live.watch) {
                return new RolloutWatch(mesh, out(), live.screen(this), json()).follow(id);
            }
            if (json()) {
                Json.print(out(), mesh.controller().getRollout(GetRolloutRequest.newBuilder().setId(id).build()));
                return 0;
            }
            RolloutWatch.snapshot(mesh, id).render(Instant.now()).forEach(out()::println);
            out().flush();
            return 0;
        }
    }


    @Command(name = "signal", description = "Pushes one value of a push signal; running rollouts evaluate their rules on it at once (ReportSignal; role service).")
    static final class Signal extends MeshCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "the signal's name as plans declare it")
        String name;
        @Parameters(index = "1", paramLabel = "VALUE", description = "the value, a number")
        double value;
        @Option(names = "--rollout", paramLabel = "ID", description = "only this rollout evaluates it")
        String rollout;
        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label (repeatable)")
        Map<String, String> labels = new LinkedHashMap<>();

        @Override
        int run(Mesh mesh) {
            ReportSignalRequest.Builder request = ReportSignalRequest.newBuilder().setName(name).setValue(value).putAllLabels(labels);
            if (rollout != null) {
                request.putLabels("rollout_id", rollout);
            }
            ReportSignalResponse r = mesh.controller().reportSignal(request.build());
            if (json()) {
                Json.print(out(), r);
            } else {
                out().println("signal " + name + " = " + Text.number(value) + ": evaluated by " + r.getRolloutsEvaluated() + " running rollout"
                        + (r.getRolloutsEvaluated() == 1 ? "" : "s") + (r.getRollbacksTriggeredCount() == 0 ? ""
                        : "; rollback triggered: " + String.join(", ", r.getRollbacksTriggeredList())));
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "readiness", description = {"The controller's readiness checklist for a rollout, or a plan file (CheckReadiness).",
        "Exit 1 when a check fails."})
    static final class Readiness extends MeshCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Subject subject;

        static final class Subject {
            @Parameters(paramLabel = "ID", description = "an existing rollout's ULID")
            String id;
            @Option(names = "--file", paramLabel = "FILE", description = "a plan not yet started")
            Path file;
        }

        @Override
        int run(Mesh mesh) {
            CheckReadinessRequest.Builder request = CheckReadinessRequest.newBuilder();
            if (subject.file != null) {
                request.setPlanYaml(PlanLint.of(root().workingDirectory(), subject.file).yaml);
            } else {
                request.setId(subject.id);
            }
            ReadinessReport r = mesh.controller().checkReadiness(request.build());
            if (json()) {
                Json.print(out(), r);
            } else {
                printReadiness(out(), r);
            }
            return r.getReady() ? 0 : 1;
        }
    }


    static ListRolloutsResponse listAll(Mesh mesh, int limit) {
        Pages.All<Rollout> all = Pages.read(limit, (size, token) -> mesh.controller().listRollouts(ListRolloutsRequest.newBuilder()
                .setPageSize(size).setPageToken(token).build()), ListRolloutsResponse::getRolloutsList, ListRolloutsResponse::getNextPageToken);
        return ListRolloutsResponse.newBuilder().addAllRollouts(all.items()).setNextPageToken(all.nextPageToken()).build();
    }

    static Set<String> flagNames(Rollout r) {
        Set<String> names = new LinkedHashSet<>();
        r.getPhasesList().forEach(p -> names.addAll(new java.util.TreeSet<>(p.getFlagsMap().keySet())));
        return names;
    }

    /** The flag as flag-service has it now; empty when it does not exist. */
    static Optional<Flag> readFlag(Mesh mesh, String name) {
        try {
            return Optional.of(mesh.flags().getFlag(GetFlagRequest.newBuilder().setName(name).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static String phaseOf(Rollout r) {
        int i = r.getCurrentPhase();
        return i >= 0 && i < r.getPhasesCount() ? "phase " + (i + 1) + "/" + r.getPhasesCount() + " " + r.getPhases(i).getName()
                : "not started";
    }

    static void printReadiness(PrintWriter out, ReadinessReport r) {
        out.println(r.getReady() ? "ready" : "NOT ready");
        Text.Table t = new Text.Table("CHECK", "RESULT", "DETAIL");
        for (ReadinessCheck c : r.getChecksList()) {
            t.row(c.getName(), c.getPassed() ? "ok" : "FAILED", c.getDetail());
        }
        t.print(out);
    }
}
