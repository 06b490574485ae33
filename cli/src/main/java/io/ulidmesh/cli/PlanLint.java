package io.ulidmesh.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import io.ulidmesh.rollout.domain.plan.MigrationStep;
import io.ulidmesh.rollout.domain.plan.PhaseSpec;
import io.ulidmesh.rollout.domain.plan.Plan;
import io.ulidmesh.rollout.domain.plan.PlanParser;
import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plan checked offline by the controller's own parser ({@code PlanParser}, the code CreateRollout
 * runs): every problem with its line, or the plan it describes. What only the running controller
 * knows (its signal allowlists) is not checked here.
 */
public final class PlanLint {
    private static final Pattern PROBLEM = Pattern.compile("line (\\d+): (.*)", Pattern.DOTALL);

    /** One problem at its line (0 when the parser named none). */
    public record Problem(int line, String message) {
    }

    final Path file;
    final String yaml;
    final Plan plan;
    final List<Problem> problems;

    private PlanLint(Path file, String yaml, Plan plan, List<Problem> problems) {
        this.file = file;
        this.yaml = yaml;
        this.plan = plan;
        this.problems = problems;
    }

    /** Reads and checks {@code file}; an unreadable file is a usage error. */
    static PlanLint of(Path workingDirectory, Path file) {
        Path path = workingDirectory.resolve(file);
        String yaml;
        try {
            yaml = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MeshCommand.UsageError("cannot read the plan " + file + ": " + (Files.exists(path) ? e.getMessage() : "no such file"));
        }
        try {
            return new PlanLint(file, yaml, PlanParser.parse(yaml), List.of());
        } catch (DomainException e) {
            return new PlanLint(file, yaml, null, problems(e.getMessage()));
        }
    }

    /**
     * "invalid plan (2 problems): line 3: a; line 9: b" → (3, a), (9, b); also reads the controller's
     * INVALID_ARGUMENT message for a plan (the console shows each problem at its line).
     */
    public static List<Problem> problems(String message) {
        String body = message.replaceFirst("^invalid plan \\(\\d+ problems?\\): ", "");
        List<Problem> problems = new ArrayList<>();
        for (String part : body.split("; (?=line \\d+: )")) {
            Matcher m = PROBLEM.matcher(part);
            problems.add(m.matches() ? new Problem(Integer.parseInt(m.group(1)), m.group(2)) : new Problem(0, part));
        }
        problems.sort(Comparator.comparingInt(Problem::line));
        return problems;
    }

    boolean valid() {
        return problems.isEmpty();
    }

    /** Compiler-style lines, {@code FILE:LINE: message}, for editors. */
    void printProblems(PrintWriter out) {
        problems.forEach(p -> out.println(file + ":" + p.line() + ": " + p.message()));
        out.flush();
    }

    /** What the plan does, phase by phase. */
    void printPlan(PrintWriter out) {
        out.println(file + ": plan " + plan.name() + " is valid: " + plan.phases().size() + " phases, " + plan.signals().size()
                + " signals, " + plan.rules().size() + " rollback rules");
        int width = plan.phases().stream().mapToInt(p -> p.name().length()).max().orElse(0);
        for (PhaseSpec p : plan.phases()) {
            List<String> does = new ArrayList<>();
            p.flags().forEach((name, value) -> does.add(name + " → " + value.text()));
            p.migrations().forEach(m -> does.add("migrate " + m.target() + "." + m.table() + "." + m.ulidColumn() + " ("
                    + String.join(", ", m.steps().stream().map(MigrationStep::text).toList()) + ")"));
            out.println("  " + Text.pad(p.name(), width) + " " + (does.isEmpty() ? "nothing" : String.join("; ", does))
                    + "; bake " + Text.duration(p.bake().toSeconds()) + (p.manualGate() ? "; manual gate" : ""));
        }
        plan.rules().forEach(r -> out.println("  rollback when " + r.describe()));
        out.flush();
    }

    JsonObject json() {
        JsonObject o = Json.object();
        o.addProperty("file", file.toString());
        o.addProperty("valid", valid());
        JsonArray list = new JsonArray();
        for (Problem p : problems) {
            JsonObject problem = Json.object();
            problem.addProperty("line", p.line());
            problem.addProperty("message", p.message());
            list.add(problem);
        }
        o.add("problems", list);
        if (plan != null) {
            o.add("plan", planJson(plan));
        }
        return o;
    }

    static JsonObject planJson(Plan plan) {
        JsonObject o = Json.object();
        o.addProperty("name", plan.name());
        o.addProperty("intervalSeconds", plan.interval().toMillis() / 1000.0);
        JsonArray signals = new JsonArray();
        plan.signals().forEach(s -> signals.add(s.name()));
        o.add("signals", signals);
        JsonArray rules = new JsonArray();
        plan.rules().forEach(r -> rules.add(r.describe()));
        o.add("rules", rules);
        JsonArray phases = new JsonArray();
        for (PhaseSpec p : plan.phases()) {
            JsonObject phase = Json.object();
            phase.addProperty("name", p.name());
            JsonObject flags = Json.object();
            for (Map.Entry<String, FlagValue> f : p.flags().entrySet()) {
                flags.addProperty(f.getKey(), f.getValue().text());
            }
            phase.add("flags", flags);
            JsonArray migrations = new JsonArray();
            for (PlannedMigration m : p.migrations()) {
                migrations.add(m.target() + "." + m.table() + "." + m.ulidColumn());
            }
            phase.add("migrations", migrations);
            phase.addProperty("bakeSeconds", p.bake().toMillis() / 1000.0);
            phase.addProperty("manualGate", p.manualGate());
            phases.add(phase);
        }
        o.add("phases", phases);
        return o;
    }
}
