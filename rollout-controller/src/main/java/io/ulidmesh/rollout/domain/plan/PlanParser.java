package io.ulidmesh.rollout.domain.plan;

import io.ulidmesh.common.text.InputText;
import io.ulidmesh.common.error.DomainException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a plan from YAML through SnakeYAML's node API, so every problem carries its line. It goes
 * on after a problem and reports all of them at once: {@code line 7: phases[1].flags.x: ...}.
 * A plan from a request meets every rule, the limits included; a stored plan was accepted once and
 * is read again without the limits added since, so that no existing rollout becomes unreadable.
 */
public final class PlanParser {
    /** Plan, phase and signal names: signal names become metric labels and every name goes into log lines. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final Pattern FLAG_NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,127}");
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /**
     * Limits of a plan from a request (docs/rollout-controller.md, "Limits"). The byte limit sits
     * below the gRPC server's 256 KiB message limit, so a plan too big is refused by name.
     */
    public static final int MAX_PLAN_BYTES = 128 * 1024;
    public static final int MAX_PHASES = 100;
    public static final int MAX_SIGNALS = 100;
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    private final PlanNodes nodes;
    private final boolean request;
    private final SignalAllowlist allowlist;

    private PlanParser(boolean request, SignalAllowlist allowlist) {
        this.nodes = new PlanNodes(request);
        this.request = request;
        this.allowlist = allowlist;
    }

    /** A plan from a request, its signal sources not checked against an allowlist; INVALID_ARGUMENT listing every problem. */
    public static Plan parse(String yaml) {
        return parse(yaml, null);
    }

    /** A plan from a request whose pulled signals must come from {@code allowlist}; INVALID_ARGUMENT listing every problem. */
    public static Plan parse(String yaml, SignalAllowlist allowlist) {
        return new PlanParser(true, allowlist).result(yaml);
    }

    /** A stored plan, accepted when its rollout was created: read without the request limits. */
    public static Plan stored(String yaml) {
        return new PlanParser(false, null).result(yaml);
    }

    private Plan result(String yaml) {
        Plan plan = read(yaml == null ? "" : yaml);
        if (!nodes.problems.isEmpty()) {
            throw DomainException.invalid("invalid plan (" + nodes.problems.size() + " problem"
                    + (nodes.problems.size() == 1 ? "" : "s") + "): " + String.join("; ", nodes.problems));
        }
        return plan;
    }

    private Plan read(String yaml) {
        if (yaml.isBlank()) {
            nodes.problems.add("line 1: the plan is empty");
            return null;
        }
        if (request && !withinLimits(yaml)) {
            return null;
        }
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true);
            root = new Yaml(options).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            nodes.problems.add("line " + line + ": not valid YAML: " + e.getProblem());
            return null;
        } catch (YAMLException e) {
            nodes.problems.add("line 1: not valid YAML: " + e.getMessage());
            return null;
        }
        if (!(root instanceof MappingNode map)) {
            nodes.problem(root, "the plan must be a mapping with name, phases, signals and rollback");
            return null;
        }
        Map<String, NodeTuple> fields = nodes.fields(map, "", Set.of("name", "description", "interval", "signals", "rollback", "phases",
                "notifications", "rollback_window"));
        String name = nodes.requiredText(fields, map, "", "name");
        if (name != null && !NAME.matcher(name).matches()) {
            nodes.problem(fields.get("name").getValueNode(), "name: '" + name + "' must match " + NAME.pattern());
        }
        nodes.optionalText(fields, "", "description", true);
        Duration interval = DEFAULT_INTERVAL;
        if (fields.containsKey("interval")) {
            Node node = fields.get("interval").getValueNode();
            Duration d = nodes.duration(node, "interval");
            if (d != null && d.isZero()) {
                nodes.problem(node, "interval: must be more than 0");
            } else if (d != null && request && d.compareTo(MIN_INTERVAL) < 0) {
                // each interval pulls every signal: a shorter one would let a plan flood Prometheus and the health targets
                nodes.problem(node, "interval: " + Durations.format(d) + " is less than the minimum of "
                        + Durations.format(MIN_INTERVAL));
            } else if (d != null) {
                interval = d;
            }
        }
        List<SignalSpec> signals = fields.containsKey("signals") ? signals(fields.get("signals").getValueNode()) : List.of();
        List<RuleSpec> rules = fields.containsKey("rollback") ? RulesParser.parse(nodes, fields.get("rollback").getValueNode(), signals) : List.of();
        List<PhaseSpec> phases = List.of();
        if (!fields.containsKey("phases")) {
            nodes.problem(map, "phases: missing; a plan needs at least one phase");
        } else {
            phases = phases(fields.get("phases").getValueNode());
        }
        List<NotificationSpec> notifications = fields.containsKey("notifications")
                ? NotificationsParser.parse(nodes, fields.get("notifications").getValueNode(), request, allowlist) : List.of();
        Duration window = nodes.optionalDuration(fields, "", "rollback_window");
        return new Plan(name, interval, signals, rules, phases, notifications, window == null ? Duration.ZERO : window);
    }

    private List<SignalSpec> signals(Node node) {
        List<SignalSpec> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Node> items = nodes.sequence(node, "signals");
        if (request && items.size() > MAX_SIGNALS) {
            nodes.problem(node, "signals: " + items.size() + " signals, more than the " + MAX_SIGNALS + " a plan may declare");
            return result;
        }
        for (int i = 0; i < items.size(); i++) {
            String path = "signals[" + i + "]";
            if (!(items.get(i) instanceof MappingNode m)) {
                nodes.problem(items.get(i), path + ": must be a mapping with name and source");
                continue;
            }
            Map<String, NodeTuple> f = nodes.fields(m, path, Set.of("name", "source", "query", "url", "target", "service", "on_no_data", "description"));
            String name = nodes.requiredText(f, m, path, "name");
            name(f, path, name, "signal", names);
            String sourceText = nodes.requiredText(f, m, path, "source");
            SignalSource source = sourceText == null ? null : SignalSource.of(sourceText);
            if (sourceText != null && source == null) {
                nodes.problem(f.get("source").getValueNode(), path + ".source: '" + sourceText
                        + "' is not one of prometheus, push, grpc-health");
            }
            String query = nodes.optionalText(f, path, "query", true);
            String target = nodes.optionalText(f, path, "target");
            String url = nodes.optionalText(f, path, "url");
            nodes.optionalText(f, path, "description", true);
            if (source == SignalSource.PROMETHEUS && query.isEmpty()) {
                nodes.problem(m, path + ": a prometheus signal needs a query");
            }
            checkSource(f, m, path, source, url, target);
            NoDataPolicy policy = NoDataPolicy.WAIT;
            String noData = nodes.optionalText(f, path, "on_no_data");
            if (!noData.isEmpty()) {
                switch (noData) {
                    case "wait" -> policy = NoDataPolicy.WAIT;
                    case "breach" -> policy = NoDataPolicy.BREACH;
                    default -> nodes.problem(f.get("on_no_data").getValueNode(), path + ".on_no_data: '" + noData
                            + "' is not one of wait, breach");
                }
            }
            result.add(new SignalSpec(name, source, query, url, target, nodes.optionalText(f, path, "service"), policy));
        }
        return result;
    }

    /** A pulled signal's target or URL: well-formed and, with an allowlist, on it. */
    private void checkSource(Map<String, NodeTuple> f, MappingNode m, String path, SignalSource source, String url, String target) {
        if (source == SignalSource.GRPC_HEALTH && SignalAllowlist.targetProblem(target) != null) {
            nodes.problem(f.containsKey("target") ? f.get("target").getValueNode() : m, path
                    + ".target: a grpc-health signal needs target host:port, got '" + target + "'");
            return;
        }
        if (request && !url.isEmpty() && SignalAllowlist.urlProblem(url) != null) {
            nodes.problem(f.get("url").getValueNode(), path + ".url: " + SignalAllowlist.urlProblem(url));
            return;
        }
        String refused = allowlist == null ? null : allowlist.problem(source, url, target);
        if (refused != null) {
            String field = source == SignalSource.PROMETHEUS ? "url" : "target";
            nodes.problem(f.containsKey(field) ? f.get(field).getValueNode() : m, path + "." + refused);
        }
    }

    private List<PhaseSpec> phases(Node node) {
        List<PhaseSpec> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Node> items = nodes.sequence(node, "phases");
        if (items.isEmpty() && node instanceof SequenceNode) {
            nodes.problem(node, "phases: a plan needs at least one phase");
        }
        if (request && items.size() > MAX_PHASES) {
            nodes.problem(node, "phases: " + items.size() + " phases, more than the " + MAX_PHASES + " a plan may have");
            return result;
        }
        for (int i = 0; i < items.size(); i++) {
            String path = "phases[" + i + "]";
            if (!(items.get(i) instanceof MappingNode m)) {
                nodes.problem(items.get(i), path + ": must be a mapping with name, flags, migrations, bake, gate");
                continue;
            }
            Map<String, NodeTuple> f = nodes.fields(m, path, Set.of("name", "description", "flags", "migrations", "bake", "gate",
                    "rollback_window"));
            String name = nodes.requiredText(f, m, path, "name");
            name(f, path, name, "phase", names);
            nodes.optionalText(f, path, "description", true);
            Map<String, FlagValue> flags = f.containsKey("flags") ? flags(f.get("flags").getValueNode(), path) : Map.of();
            List<PlannedMigration> migrations = f.containsKey("migrations")
                    ? migrations(f.get("migrations").getValueNode(), path) : List.of();
            Duration bake = Duration.ZERO;
            if (f.containsKey("bake")) {
                Duration d = nodes.duration(f.get("bake").getValueNode(), path + ".bake");
                bake = d == null ? Duration.ZERO : d;
            }
            boolean manual = false;
            String gate = nodes.optionalText(f, path, "gate");
            if (!gate.isEmpty()) {
                switch (gate) {
                    case "manual" -> manual = true;
                    case "none" -> manual = false;
                    default -> nodes.problem(f.get("gate").getValueNode(), path + ".gate: '" + gate + "' is not one of manual, none");
                }
            }
            result.add(new PhaseSpec(name, flags, migrations, bake, manual, nodes.optionalDuration(f, path + ".", "rollback_window")));
        }
        return result;
    }

    /** Checks a signal's or phase's name: its form (requests only) and that it is not declared twice. */
    private void name(Map<String, NodeTuple> f, String path, String name, String what, Set<String> names) {
        if (name == null) {
            return;
        }
        if (request && !NAME.matcher(name).matches()) {
            nodes.problem(f.get("name").getValueNode(), path + ".name: '" + name + "' must match " + NAME.pattern());
        } else if (!names.add(name)) {
            nodes.problem(f.get("name").getValueNode(), path + ".name: " + what + " '" + name + "' is declared twice");
        }
    }

    /** The request limits on the text itself: its size in bytes, and no control characters but tab and line breaks. */
    private boolean withinLimits(String yaml) {
        // a char is at least one UTF-8 byte, so a long string is refused before it is encoded
        long bytes = yaml.length() > MAX_PLAN_BYTES ? yaml.length() : yaml.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PLAN_BYTES) {
            nodes.problems.add("line 1: plan_yaml: the plan has more than " + MAX_PLAN_BYTES + " bytes (" + MAX_PLAN_BYTES / 1024
                    + " KiB)");
            return false;
        }
        String problem = InputText.problem(yaml, true);
        if (problem != null) {
            nodes.problems.add("plan_yaml: " + problem);
            return false;
        }
        return true;
    }

    private Map<String, FlagValue> flags(Node node, String phasePath) {
        Map<String, FlagValue> flags = new LinkedHashMap<>();
        String path = phasePath + ".flags";
        if (!(node instanceof MappingNode m)) {
            nodes.problem(node, path + ": must be a mapping of flag name to on, off or a percentage like 10%");
            return flags;
        }
        for (NodeTuple t : m.getValue()) {
            String name = nodes.scalar(t.getKeyNode(), path);
            if (name == null) {
                continue;
            }
            if (!FLAG_NAME.matcher(name).matches()) {
                nodes.problem(t.getKeyNode(), path + ": flag name '" + name + "' must match " + FLAG_NAME.pattern());
            }
            if (flags.containsKey(name)) {
                nodes.problem(t.getKeyNode(), path + ": flag '" + name + "' is set twice");
            }
            String value = nodes.scalar(t.getValueNode(), path + "." + name);
            if (value == null) {
                continue;
            }
            FlagValue.parse(value).ifPresentOrElse(v -> flags.put(name, v), () -> nodes.problem(t.getValueNode(), path
                    + "." + name + ": '" + value + "' is not on, off or a percentage 0%..100% with at most two decimals"));
        }
        return flags;
    }

    private List<PlannedMigration> migrations(Node node, String phasePath) {
        List<PlannedMigration> result = new ArrayList<>();
        List<Node> items = nodes.sequence(node, phasePath + ".migrations");
        for (int i = 0; i < items.size(); i++) {
            String path = phasePath + ".migrations[" + i + "]";
            if (!(items.get(i) instanceof MappingNode m)) {
                nodes.problem(items.get(i), path + ": must be a mapping with target, table, key, ulid_column, steps");
                continue;
            }
            Map<String, NodeTuple> f = nodes.fields(m, path, Set.of("target", "table", "key", "ulid_column", "legacy_column",
                    "timestamp_column", "batch_size", "max_rows_per_second", "steps"));
            String target = nodes.requiredText(f, m, path, "target");
            String table = nodes.requiredText(f, m, path, "table");
            String key = nodes.requiredText(f, m, path, "key");
            String ulid = nodes.requiredText(f, m, path, "ulid_column");
            int batch = nodes.wholeNumber(f, path, "batch_size", 0, 1_000_000);
            int rate = nodes.wholeNumber(f, path, "max_rows_per_second", 0, Integer.MAX_VALUE);
            List<MigrationStep> steps = List.of(MigrationStep.EXPAND, MigrationStep.BACKFILL, MigrationStep.VALIDATE);
            if (f.containsKey("steps")) {
                steps = steps(f.get("steps").getValueNode(), path + ".steps");
            }
            result.add(new PlannedMigration(target, table, key, ulid, nodes.optionalText(f, path, "legacy_column"),
                    nodes.optionalText(f, path, "timestamp_column"), batch, rate, steps));
        }
        return result;
    }

    private List<MigrationStep> steps(Node node, String path) {
        List<MigrationStep> steps = new ArrayList<>();
        List<Node> items = nodes.sequence(node, path);
        if (items.isEmpty() && node instanceof SequenceNode) {
            nodes.problem(node, path + ": needs at least expand");
        }
        for (Node item : items) {
            String text = nodes.scalar(item, path);
            if (text == null) {
                continue;
            }
            MigrationStep step = MigrationStep.of(text);
            if (step == null) {
                nodes.problem(item, path + ": '" + text + "' is not one of expand, backfill, validate, contract");
                continue;
            }
            if (step.ordinal() != steps.size()) {
                nodes.problem(item, path + ": '" + text + "' out of order; steps run expand, backfill, validate, contract, "
                        + "starting at expand, none skipped");
                continue;
            }
            steps.add(step);
        }
        return steps;
    }
}
