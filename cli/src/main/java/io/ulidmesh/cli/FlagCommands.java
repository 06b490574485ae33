package io.ulidmesh.cli;

import io.ulidmesh.proto.flags.v1.DeleteFlagRequest;
import io.ulidmesh.proto.flags.v1.DeleteFlagResponse;
import io.ulidmesh.proto.flags.v1.EvaluateRequest;
import io.ulidmesh.proto.flags.v1.Evaluation;
import io.ulidmesh.proto.flags.v1.Flag;
import io.ulidmesh.proto.flags.v1.FlagChange;
import io.ulidmesh.proto.flags.v1.GetFlagRequest;
import io.ulidmesh.proto.flags.v1.HistoryRequest;
import io.ulidmesh.proto.flags.v1.HistoryResponse;
import io.ulidmesh.proto.flags.v1.ListFlagsRequest;
import io.ulidmesh.proto.flags.v1.ListFlagsResponse;
import io.ulidmesh.proto.flags.v1.SetFlagRequest;
import java.io.PrintWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ulidmesh flags}: feature flags on flag-service. */
@Command(name = "flags", description = "Feature flags on flag-service: list, get, set, delete, history, evaluate.",
        subcommands = {FlagCommands.List.class, FlagCommands.Get.class, FlagCommands.Set.class, FlagCommands.Delete.class,
                FlagCommands.History.class, FlagCommands.Evaluate.class})
final class FlagCommands {

    @Command(name = "list", description = "Every flag, by name (ListFlags, all pages).")
    static final class List extends MeshCommand {
        @Option(names = "--limit", defaultValue = "10000", description = "at most this many (default 10000)")
        int limit;

        @Override
        int run(Mesh mesh) {
            Pages.All<Flag> all = Pages.read(limit, (size, token) -> mesh.flags().listFlags(ListFlagsRequest.newBuilder()
                    .setPageSize(size).setPageToken(token).build()), ListFlagsResponse::getFlagsList, ListFlagsResponse::getNextPageToken);
            if (json()) {
                Json.print(out(), ListFlagsResponse.newBuilder().addAllFlags(all.items()).setNextPageToken(all.nextPageToken()).build());
                return 0;
            }
            Text.Table t = new Text.Table("NAME", "VALUE", "COHORT", "VERSION", "UPDATED", "BY", "REASON");
            all.items().forEach(f -> t.row(f.getName(), Text.flagValue(f.getBasisPoints()), f.getCohort(), f.getVersion(),
                    Text.time(f.getUpdatedAt()), f.getUpdatedBy(), f.getReason()));
            t.print(out());
            return 0;
        }
    }

    @Command(name = "get", description = "One flag (GetFlag).")
    static final class Get extends MeshCommand {
        @Parameters(paramLabel = "NAME", description = "the flag's name")
        String name;

        @Override
        int run(Mesh mesh) {
            Flag f = mesh.flags().getFlag(GetFlagRequest.newBuilder().setName(name).build());
            if (json()) {
                Json.print(out(), f);
            } else {
                printFlag(out(), f);
            }
            return 0;
        }
    }

    @Command(name = "set", description = {"Creates or changes a flag (SetFlag; role operator).",
        "Exactly one of --on, --off, --percent."})
    static final class Set extends MeshCommand {
        @Parameters(paramLabel = "NAME", description = "the flag's name")
        String name;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Value value;
        @Option(names = "--cohort", paramLabel = "C", description = "the cohort whose hash decides membership (default: unchanged; a new flag's own name)")
        String cohort;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why; recorded in the history")
        String reason;
        @Option(names = "--description", paramLabel = "TEXT", description = "what the flag controls (default: unchanged)")
        String description;
        @Option(names = "--expected-version", paramLabel = "V", defaultValue = "0",
                description = "apply only if the flag is at this version (ABORTED otherwise)")
        long expectedVersion;

        static final class Value {
            @Option(names = "--on", required = true, description = "on for every entity")
            boolean on;
            @Option(names = "--off", required = true, description = "off for every entity")
            boolean off;
            @Option(names = "--percent", required = true, paramLabel = "P", description = "on for P percent of entities: 0..100, two decimals at most")
            Double percent;
        }

        @Override
        int run(Mesh mesh) {
            SetFlagRequest.Builder request = SetFlagRequest.newBuilder().setName(name).setReason(reason)
                    .setExpectedVersion(expectedVersion);
            if (value.percent != null) {
                request.setPercentage(value.percent);
            } else {
                request.setEnabled(value.on);
            }
            if (cohort != null) {
                request.setCohort(cohort);
            }
            if (description != null) {
                request.setDescription(description);
            }
            Flag f = mesh.flags().setFlag(request.build());
            if (json()) {
                Json.print(out(), f);
            } else {
                out().println(f.getName() + " is " + Text.flagValue(f.getBasisPoints()) + " (cohort " + f.getCohort() + ", version "
                        + f.getVersion() + ")");
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a flag; it then evaluates as off (DeleteFlag; role operator).")
    static final class Delete extends MeshCommand {
        @Parameters(paramLabel = "NAME", description = "the flag's name")
        String name;
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "why; recorded in the history")
        String reason;
        @Option(names = "--expected-version", paramLabel = "V", defaultValue = "0",
                description = "delete only if the flag is at this version (ABORTED otherwise)")
        long expectedVersion;

        @Override
        int run(Mesh mesh) {
            DeleteFlagResponse r = mesh.flags().deleteFlag(DeleteFlagRequest.newBuilder().setName(name).setReason(reason)
                    .setExpectedVersion(expectedVersion).build());
            if (json()) {
                Json.print(out(), r);
            } else {
                out().println("deleted " + name + " (was " + Text.flagValue(r.getFlag().getBasisPoints()) + ", version "
                        + r.getFlag().getVersion() + ")");
            }
            return 0;
        }
    }

    @Command(name = "history", description = "A flag's changes, newest first (History).")
    static final class History extends MeshCommand {
        @Parameters(paramLabel = "NAME", description = "the flag's name")
        String name;
        @Option(names = "--limit", defaultValue = "20", description = "at most this many changes (default 20)")
        int limit;

        @Override
        int run(Mesh mesh) {
            Pages.All<FlagChange> all = Pages.read(limit, (size, token) -> mesh.flags().history(HistoryRequest.newBuilder()
                    .setFlag(name).setPageSize(size).setPageToken(token).build()), HistoryResponse::getChangesList,
                    HistoryResponse::getNextPageToken);
            if (json()) {
                Json.print(out(), HistoryResponse.newBuilder().addAllChanges(all.items()).setNextPageToken(all.nextPageToken()).build());
                return 0;
            }
            Text.Table t = new Text.Table("REVISION", "AT", "CHANGE", "BY", "REASON");
            for (FlagChange c : all.items()) {
                String before = c.hasBefore() ? Text.flagValue(c.getBefore().getBasisPoints()) : "(none)";
                String after = c.hasAfter() ? Text.flagValue(c.getAfter().getBasisPoints()) : "(deleted)";
                t.row(c.getRevision(), Text.time(c.getAt()), before + " → " + after, c.getActor(), c.getReason());
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "evaluate", description = "Whether a flag is on for one entity, and why (Evaluate).")
    static final class Evaluate extends MeshCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "the flag's name")
        String name;
        @Parameters(index = "1", paramLabel = "ENTITY", description = "the entity id: user, job, coordinator, ...")
        String entity;

        @Override
        int run(Mesh mesh) {
            Evaluation e = mesh.flags().evaluate(EvaluateRequest.newBuilder().setFlag(name).setEntityId(entity).build());
            if (json()) {
                Json.print(out(), e);
            } else {
                out().println(e.getFlag() + " for " + e.getEntityId() + ": " + (e.getEnabled() ? "enabled" : "disabled") + " ("
                        + e.getReason() + ", bucket " + e.getBucket() + ", version " + e.getVersion() + ")");
            }
            return 0;
        }
    }

    static void printFlag(PrintWriter out, Flag f) {
        Text.Table t = new Text.Table("name", f.getName());
        t.row("value", Text.flagValue(f.getBasisPoints()) + " (" + f.getBasisPoints() + " basis points)");
        t.row("cohort", f.getCohort());
        t.row("description", f.getDescription());
        t.row("version", f.getVersion());
        t.row("updated", Text.time(f.getUpdatedAt()) + " by " + f.getUpdatedBy());
        t.row("reason", f.getReason());
        t.print(out);
    }
}
