package io.ulidmesh.rollout.domain.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * A plan's {@code rollback:} list, each problem with its line. A rule has exactly one bound:
 * {@code above}, {@code below}, {@code above_baseline} (with an optional {@code baseline_window})
 * or {@code above_signal} (with {@code by}).
 */
final class RulesParser {
    /** The longest baseline window: the controller keeps pushed and pulled values this long for baselines. */
    static final Duration MAX_BASELINE_WINDOW = Duration.ofHours(1);
    private static final List<String> BOUNDS = List.of("above", "below", "above_baseline", "above_signal");

    private RulesParser() {
    }

    static List<RuleSpec> parse(PlanNodes nodes, Node node, List<SignalSpec> signals) {
        List<RuleSpec> result = new ArrayList<>();
        Set<String> declared = new HashSet<>();
        signals.forEach(s -> declared.add(s.name()));
        List<Node> items = nodes.sequence(node, "rollback");
        for (int i = 0; i < items.size(); i++) {
            String path = "rollback[" + i + "]";
            if (!(items.get(i) instanceof MappingNode m)) {
                nodes.problem(items.get(i), path + ": must be a mapping like { signal: error_rate, above: 5, for: 1 }");
                continue;
            }
            Map<String, NodeTuple> f = nodes.fields(m, path, Set.of("signal", "above", "below", "above_baseline", "baseline_window",
                    "above_signal", "by", "for", "dry_run"));
            String signal = nodes.requiredText(f, m, path, "signal");
            if (signal != null && !declared.contains(signal)) {
                nodes.problem(f.get("signal").getValueNode(), path + ".signal: '" + signal + "' is not declared under signals");
            }
            if (BOUNDS.stream().filter(f::containsKey).count() != 1) {
                nodes.problem(m, path + ": needs exactly one of above, below, above_baseline or above_signal");
            }
            Double aboveBaseline = percent(nodes, f, path, "above_baseline");
            Duration window = null;
            if (f.containsKey("above_baseline")) {
                window = window(nodes, f, path);
            } else {
                only(nodes, f, path, "baseline_window", "above_baseline");
            }
            String aboveSignal = null;
            Double by = percent(nodes, f, path, "by");
            if (f.containsKey("above_signal")) {
                aboveSignal = nodes.requiredText(f, m, path, "above_signal");
                if (aboveSignal != null && !declared.contains(aboveSignal)) {
                    nodes.problem(f.get("above_signal").getValueNode(), path + ".above_signal: '" + aboveSignal
                            + "' is not declared under signals");
                } else if (aboveSignal != null && aboveSignal.equals(signal)) {
                    nodes.problem(f.get("above_signal").getValueNode(), path + ".above_signal: a signal cannot be compared with itself");
                }
                if (!f.containsKey("by")) {
                    nodes.problem(m, path + ": above_signal needs by, the margin like 20%");
                }
            } else {
                only(nodes, f, path, "by", "above_signal");
            }
            int forCount = forCount(nodes, f, path);
            String dryRun = nodes.optionalText(f, path, "dry_run");
            if (!dryRun.isEmpty() && !dryRun.equals("true") && !dryRun.equals("false")) {
                nodes.problem(f.get("dry_run").getValueNode(), path + ".dry_run: '" + dryRun + "' is not true or false");
            }
            if (aboveBaseline != null && window == null) {
                window = RuleSpec.DEFAULT_BASELINE_WINDOW;
            }
            result.add(new RuleSpec(signal, nodes.number(f, path, "above"), nodes.number(f, path, "below"), aboveBaseline, window,
                    aboveSignal, aboveSignal == null ? null : by, forCount,
                    PlanNodes.line(m), dryRun.equals("true")));
        }
        return result;
    }

    /** A percentage field like {@code 50%} (the sign optional): a number, not negative. */
    private static Double percent(PlanNodes nodes, Map<String, NodeTuple> f, String path, String key) {
        Double v = nodes.number(f, path, key);
        if (v != null && v < 0) {
            nodes.problem(f.get(key).getValueNode(), path + "." + key + ": " + Numbers.text(v) + "% is negative; a margin is 0% or more");
            return null;
        }
        return v;
    }

    private static Duration window(PlanNodes nodes, Map<String, NodeTuple> f, String path) {
        if (!f.containsKey("baseline_window")) {
            return null;
        }
        Node node = f.get("baseline_window").getValueNode();
        Duration d = nodes.duration(node, path + ".baseline_window");
        if (d != null && (d.isZero() || d.compareTo(MAX_BASELINE_WINDOW) > 0)) {
            nodes.problem(node, path + ".baseline_window: " + Durations.format(d) + " must be more than 0 and at most "
                    + Durations.format(MAX_BASELINE_WINDOW));
            return null;
        }
        return d;
    }

    /** {@code key} belongs to rules with {@code owner} only. */
    private static void only(PlanNodes nodes, Map<String, NodeTuple> f, String path, String key, String owner) {
        if (f.containsKey(key)) {
            nodes.problem(f.get(key).getKeyNode(), path + "." + key + ": only a rule with " + owner + " takes it");
        }
    }

    private static int forCount(PlanNodes nodes, Map<String, NodeTuple> f, String path) {
        if (!f.containsKey("for")) {
            return 1;
        }
        Node forNode = f.get("for").getValueNode();
        String text = nodes.scalar(forNode, path + ".for");
        try {
            int forCount = text == null ? 1 : Integer.parseInt(text.strip());
            if (forCount >= 1 && forCount <= 1000) {
                return forCount;
            }
            nodes.problem(forNode, path + ".for: " + forCount + " is outside 1..1000");
        } catch (NumberFormatException e) {
            nodes.problem(forNode, path + ".for: '" + text + "' is not a whole number of breaches in a row");
        }
        return 1;
    }
}
