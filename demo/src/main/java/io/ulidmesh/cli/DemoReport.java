package io.ulidmesh.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the demo prints at the end and writes as JSON: the rollout's outcome, per-phase timings, rows
 * and validation per database, the rollback and its detection-to-rollback time, the traffic, and
 * what to try next. The JSON holds the same facts under the names the text uses.
 */
final class DemoReport {
    final JsonObject json = new JsonObject();
    final JsonArray phases = new JsonArray();
    final JsonArray databases = new JsonArray();
    final JsonArray notes = new JsonArray();

    DemoReport() {
        json.add("phases", phases);
        json.add("databases", databases);
        json.add("notes", notes);
    }

    boolean success() {
        if (!"COMPLETED".equals(str(json, "state")) || databases.isEmpty()) {
            return false;
        }
        for (var d : databases) {
            if (!d.getAsJsonObject().get("validated").getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n",
                StandardCharsets.UTF_8);
    }

    void print(PrintWriter out, Path file) {
        out.println();
        out.println("== ulidmesh demo report ==");
        out.printf("rollout %s (%s): %s in %s%n", str(json, "rollout_id"), str(json, "plan"), str(json, "state"),
                seconds(json.get("total_ms").getAsLong()));
        out.println();
        out.println("phases:");
        for (var p : phases) {
            JsonObject o = p.getAsJsonObject();
            out.printf("  %-32s %-16s %8s  (bake %s, attempts %d)%n", str(o, "name"), str(o, "state"),
                    o.has("duration_ms") ? seconds(o.get("duration_ms").getAsLong()) : "-",
                    seconds(o.get("bake_ms").getAsLong()), o.get("attempts").getAsInt());
        }
        out.println();
        out.println("databases:");
        for (var d : databases) {
            JsonObject o = d.getAsJsonObject();
            out.printf("  %-14s %-8s %-9s %7d rows (%d seeded + %d by old-code writers), %d given a ULID, %d distinct: %s%n",
                    str(o, "target"), str(o, "engine"), str(o, "table"), o.get("rows").getAsLong(), o.get("seeded").getAsLong(),
                    o.get("written_by_old_code").getAsLong(), o.get("rows_migrated").getAsLong(), o.get("distinct_ulids").getAsLong(),
                    o.get("validated").getAsBoolean() ? "validated" : "NOT validated (" + str(o, "validation") + ")");
        }
        out.println();
        if (json.has("rollback")) {
            JsonObject r = json.getAsJsonObject("rollback");
            out.printf("fault and rollback: %s=%s from %s during %s; the controller rolled the phase back by itself in %d ms"
                    + " (ReportSignal to ROLLED_BACK)%n", str(r, "signal"), r.get("value").getAsDouble(), str(r, "system"),
                    str(r, "phase"), r.get("detection_to_rollback_ms").getAsLong());
            out.printf("  reason: %s%n  resumed after the fault cleared: %s%n", str(r, "reason"), str(r, "resume_reason"));
        } else {
            out.println("fault: none injected" + (json.has("fault_at") ? " (" + str(json, "fault_at") + ")" : ""));
        }
        JsonObject t = json.getAsJsonObject("traffic");
        if (t != null) {
            out.printf("traffic: %d ULIDs registered, %d resolved (%d server errors), %d flag evaluations in-process (%d enabled),"
                    + " %d health reports%n", t.get("registered").getAsLong(), t.get("resolved").getAsLong(),
                    t.get("resolution_errors").getAsLong(), t.get("flag_evaluations").getAsLong(), t.get("flags_enabled").getAsLong(),
                    t.get("signals_reported").getAsLong());
        }
        for (var n : notes) {
            out.println("note: " + n.getAsString());
        }
        out.println();
        out.println("try next:");
        String id = str(json, "rollout_id");
        out.println("  ./mesh rollout get " + id + "            # the tree, with the latest events");
        out.println("  ./mesh rollout list");
        out.println("  ./mesh migrate targets");
        out.println("  ./mesh flags list");
        out.println("  ./mesh ulid stats");
        out.println("  curl -s localhost:8683/q/metrics | grep ulidmesh_rollout   # metrics (every service: /q/metrics)");
        out.println("  ./mesh rollout start deploy/plans/ulid-ecosystem.yaml --dry-run");
        out.println();
        out.println((success() ? "demo passed" : "demo FAILED") + "; report: " + file);
        out.flush();
    }

    static String str(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : "";
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
