package io.ulidmesh.cli;

import io.ulidmesh.proto.resolution.v1.Edge;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.GenerateResponse;
import io.ulidmesh.proto.resolution.v1.GetStatsRequest;
import io.ulidmesh.proto.resolution.v1.GetStatsResponse;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.proto.resolution.v1.TraceRequest;
import io.ulidmesh.proto.resolution.v1.TraceResponse;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ulidmesh ulid}: the registry on resolution-service. */
@Command(name = "ulid", description = "The ULID registry on resolution-service: generate, resolve, trace, stats.",
        subcommands = {UlidCommands.Generate.class, UlidCommands.Resolve.class, UlidCommands.Trace.class, UlidCommands.Stats.class})
final class UlidCommands {

    @Command(name = "generate", description = "New ULIDs, strictly increasing (Generate; role service).")
    static final class Generate extends MeshCommand {
        @Parameters(arity = "0..1", paramLabel = "N", defaultValue = "1", description = "how many: 1..10000 (default 1)")
        int count;

        @Override
        int run(Mesh mesh) {
            GenerateResponse r = mesh.resolution().generate(GenerateRequest.newBuilder().setCount(count).build());
            if (json()) {
                Json.print(out(), r);
            } else {
                r.getUlidsList().forEach(out()::println);
            }
            return 0;
        }
    }

    @Command(name = "resolve", description = "Which system owns a ULID and what it points to (Resolve).")
    static final class Resolve extends MeshCommand {
        @Parameters(paramLabel = "ULID", description = "a ULID, any case")
        String ulid;

        @Override
        int run(Mesh mesh) {
            Reference r = mesh.resolution().resolve(ResolveRequest.newBuilder().setUlid(ulid).build());
            if (json()) {
                Json.print(out(), r);
            } else {
                printReference(out(), r);
            }
            return 0;
        }
    }

    @Command(name = "trace", description = "The ULIDs related to one, following links both ways (Trace).")
    static final class Trace extends MeshCommand {
        @Parameters(paramLabel = "ULID", description = "a ULID, any case")
        String ulid;
        @Option(names = "--depth", paramLabel = "D", defaultValue = "3", description = "hops to follow: 1..10 (default 3)")
        int depth;

        @Override
        int run(Mesh mesh) {
            TraceResponse r = mesh.resolution().trace(TraceRequest.newBuilder().setUlid(ulid).setMaxDepth(depth).build());
            if (json()) {
                Json.print(out(), r);
                return 0;
            }
            PrintWriter out = out();
            Reference o = r.getOrigin();
            out.println(o.getUlid() + "  " + o.getSystem() + " " + o.getReferenceType() + " " + o.getReference());
            out.println();
            out.println(r.getRelatedCount() + " related within " + depth + " hop" + (depth == 1 ? "" : "s") + ":");
            Text.Table related = new Text.Table("ULID", "SYSTEM", "TYPE", "REFERENCE", "ULID TIME");
            r.getRelatedList().forEach(x -> related.row(x.getUlid(), x.getSystem(), x.getReferenceType(), x.getReference(),
                    Text.time(x.getUlidTime())));
            related.print(out);
            out.println();
            out.println(r.getEdgesCount() + " link" + (r.getEdgesCount() == 1 ? "" : "s") + ":");
            for (Edge e : r.getEdgesList()) {
                out.println("  " + e.getFromUlid() + " --" + e.getRelation() + "--> " + e.getToUlid());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "stats", description = "Counts of the registry (GetStats).")
    static final class Stats extends MeshCommand {
        @Override
        int run(Mesh mesh) {
            GetStatsResponse r = mesh.resolution().getStats(GetStatsRequest.getDefaultInstance());
            if (json()) {
                Json.print(out(), r);
                return 0;
            }
            out().println("references  " + r.getReferences());
            out().println("links       " + r.getLinks());
            out().println();
            Text.Table bySystem = new Text.Table("SYSTEM", "REFERENCES");
            new TreeMap<>(r.getReferencesBySystemMap()).forEach(bySystem::row);
            bySystem.print(out());
            return 0;
        }
    }

    static void printReference(PrintWriter out, Reference r) {
        Text.Table t = new Text.Table("ulid", r.getUlid());
        t.row("system", r.getSystem());
        t.row("type", r.getReferenceType());
        t.row("reference", r.getReference());
        t.row("ulid time", Text.time(r.getUlidTime()));
        t.row("registered", Text.time(r.getRegisteredAt()) + " by " + r.getRegisteredBy());
        for (Map.Entry<String, String> m : new TreeMap<>(r.getMetadataMap()).entrySet()) {
            t.row("metadata." + m.getKey(), m.getValue());
        }
        t.print(out);
    }
}
