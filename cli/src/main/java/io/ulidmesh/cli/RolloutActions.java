package io.ulidmesh.cli;

import static io.ulidmesh.cli.RolloutCommands.ACTIVE;
import static io.ulidmesh.cli.RolloutCommands.flagNames;
import static io.ulidmesh.cli.RolloutCommands.listAll;
import static io.ulidmesh.cli.RolloutCommands.phaseOf;
import static io.ulidmesh.cli.RolloutCommands.readFlag;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.grpc.StatusRuntimeException;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutServiceGrpc.RolloutServiceBlockingStub;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The operator actions of {@code ulidmesh rollout}: pause, resume, promote, rollback, abort, emergency-rollback. */
final class RolloutActions {
    private RolloutActions() {
    }

    /** An operator action on one rollout, with its reason. */
    abstract static class Action extends MeshCommand {
        @Parameters(paramLabel = "ID", description = "the rollout's ULID")
        String id;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why; recorded with your name in the rollout's events")
        String reason;

        abstract Rollout act(RolloutServiceBlockingStub controller, RolloutActionRequest request);

        @Override
        int run(Mesh mesh) {
            Rollout r = act(mesh.controller(), RolloutActionRequest.newBuilder().setId(id).setReason(reason).build());
            if (json()) {
                Json.print(out(), r);
            } else {
                out().println("rollout " + r.getId() + " (" + r.getName() + ") is " + r.getState() + ", " + phaseOf(r)
                        + (r.getLastReason().isEmpty() ? "" : ": " + r.getLastReason()));
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "pause", description = "Pauses a RUNNING rollout: bake clocks and signal evaluation stop (PauseRollout; role operator).")
    static final class Pause extends Action {
        @Override
        Rollout act(RolloutServiceBlockingStub controller, RolloutActionRequest request) {
            return controller.pauseRollout(request);
        }
    }

    @Command(name = "resume", description = "Resumes a PAUSED rollout, or retries the phase of a ROLLED_BACK one (ResumeRollout; role operator).")
    static final class Resume extends Action {
        @Override
        Rollout act(RolloutServiceBlockingStub controller, RolloutActionRequest request) {
            return controller.resumeRollout(request);
        }
    }

    @Command(name = "promote", description = "Skips the rest of the current phase's bake, or passes its manual gate (PromoteRollout; role operator).")
    static final class Promote extends Action {
        @Override
        Rollout act(RolloutServiceBlockingStub controller, RolloutActionRequest request) {
            return controller.promoteRollout(request);
        }
    }

    @Command(name = "rollback", description = "Rolls the current phase back, stopping at the previous one as ROLLED_BACK (RollbackRollout; role operator).")
    static final class Rollback extends Action {
        @Override
        Rollout act(RolloutServiceBlockingStub controller, RolloutActionRequest request) {
            return controller.rollbackRollout(request);
        }
    }

    @Command(name = "abort", description = "Undoes every applied phase in reverse order; ends ABORTED (AbortRollout; role operator).")
    static final class Abort extends Action {
        @Override
        Rollout act(RolloutServiceBlockingStub controller, RolloutActionRequest request) {
            return controller.abortRollout(request);
        }
    }

    @Command(name = "emergency-rollback", description = {"Rolls back every active rollout at once (RUNNING, PAUSED, ROLLING_BACK,"
            + " ROLLED_BACK, FAILED) with AbortRollout, which returns each flag to its value before the rollout and rolls its"
            + " migrations back; prints each rollout's change and each flag's value before and after. PENDING rollouts changed"
            + " nothing and are left alone. Role operator. Exit 1 when any rollout could not be aborted."})
    static final class EmergencyRollback extends MeshCommand {
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why; recorded with your name in each rollout")
        String reason;

        record Outcome(Rollout before, Rollout after, String error, Map<String, Optional<Flag>> flagsBefore,
                       Map<String, Optional<Flag>> flagsAfter) {
        }

        @Override
        int run(Mesh mesh) throws InterruptedException {
            List<Rollout> active = listAll(mesh, 10_000).getRolloutsList().stream().filter(r -> ACTIVE.contains(r.getState())).toList();
            Map<String, Optional<Flag>> before = new LinkedHashMap<>();
            active.forEach(r -> flagNames(r).forEach(n -> before.computeIfAbsent(n, name -> readFlag(mesh, name))));
            List<Future<Rollout>> aborts = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(16, active.size())));
            try {
                for (Rollout r : active) {
                    aborts.add(pool.submit(() -> mesh.controller().abortRollout(RolloutActionRequest.newBuilder().setId(r.getId())
                            .setReason("emergency rollback: " + reason).build())));
                }
                List<Outcome> outcomes = new ArrayList<>();
                for (int i = 0; i < active.size(); i++) {
                    Rollout r = active.get(i);
                    try {
                        outcomes.add(new Outcome(r, aborts.get(i).get(), null, null, null));
                    } catch (ExecutionException e) {
                        String error = e.getCause() instanceof StatusRuntimeException s
                                ? Refusal.line(s, new Mesh.Failure(Mesh.Service.CONTROLLER, mesh.settings().address(Mesh.Service.CONTROLLER).text(),
                                        "AbortRollout"), mesh.settings())
                                : String.valueOf(e.getCause());
                        outcomes.add(new Outcome(r, null, error, null, null));
                    }
                }
                Map<String, Optional<Flag>> after = new LinkedHashMap<>();
                before.keySet().forEach(n -> after.put(n, readFlag(mesh, n)));
                outcomes = outcomes.stream().map(o -> new Outcome(o.before(), o.after(), o.error(), pick(before, o.before()), pick(after, o.before())))
                        .toList();
                print(outcomes);
                return outcomes.stream().anyMatch(o -> o.error() != null) ? 1 : 0;
            } finally {
                pool.shutdownNow();
            }
        }

        private static Map<String, Optional<Flag>> pick(Map<String, Optional<Flag>> flags, Rollout r) {
            Map<String, Optional<Flag>> picked = new LinkedHashMap<>();
            flagNames(r).forEach(n -> picked.put(n, flags.get(n)));
            return picked;
        }

        private void print(List<Outcome> outcomes) {
            if (json()) {
                JsonObject o = Json.object();
                o.addProperty("reason", reason);
                JsonArray list = new JsonArray();
                for (Outcome x : outcomes) {
                    JsonObject item = Json.object();
                    item.addProperty("id", x.before().getId());
                    item.addProperty("name", x.before().getName());
                    item.addProperty("stateBefore", x.before().getState().name());
                    item.add("after", x.after() == null ? JsonNull.INSTANCE : Json.of(x.after()));
                    item.add("error", x.error() == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(x.error()));
                    JsonArray flags = new JsonArray();
                    x.flagsBefore().forEach((name, was) -> {
                        JsonObject f = Json.object();
                        f.addProperty("name", name);
                        f.add("before", was.map(Json::of).orElse(JsonNull.INSTANCE));
                        f.add("after", x.flagsAfter().get(name).map(Json::of).orElse(JsonNull.INSTANCE));
                        flags.add(f);
                    });
                    item.add("flags", flags);
                    list.add(item);
                }
                o.add("rollouts", list);
                Json.print(out(), o);
                return;
            }
            PrintWriter out = out();
            if (outcomes.isEmpty()) {
                out.println("no active rollout: nothing to roll back");
            }
            for (Outcome x : outcomes) {
                Rollout r = x.before();
                out.println("rollout " + r.getId() + " (" + r.getName() + "): " + r.getState() + " → "
                        + (x.after() == null ? "NOT ABORTED: " + x.error() : x.after().getState().name()));
                x.flagsBefore().forEach((name, was) -> out.println("  flag " + name + ": " + flagText(was) + " → " + flagText(x.flagsAfter().get(name))));
            }
            out.flush();
        }

        private static String flagText(Optional<Flag> flag) {
            return flag.map(f -> Text.flagValue(f.getBasisPoints()) + " (v" + f.getVersion() + ")").orElse("absent");
        }
    }
}
