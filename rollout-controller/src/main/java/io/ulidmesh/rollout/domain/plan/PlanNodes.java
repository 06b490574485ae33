package io.ulidmesh.rollout.domain.plan;

import io.ulidmesh.common.text.InputText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** A plan's YAML nodes as values, with a problem naming its line for every node that does not fit. */
final class PlanNodes {
    final List<String> problems = new ArrayList<>();
    /** Whether values may not hold control characters (a plan from a request). */
    private final boolean plainValues;

    PlanNodes(boolean plainValues) {
        this.plainValues = plainValues;
    }

    /** Records a problem at {@code node}'s line. */
    void problem(Node node, String text) {
        problems.add(at(node) + text);
    }

    Map<String, NodeTuple> fields(MappingNode map, String path, Set<String> allowed) {
        Map<String, NodeTuple> fields = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode(), path.isEmpty() ? "key" : path);
            if (key == null) {
                continue;
            }
            String where = path.isEmpty() ? key : path + "." + key;
            if (!allowed.contains(key)) {
                problem(t.getKeyNode(), where + ": unknown field; expected one of " + String.join(", ", allowed.stream().sorted().toList()));
            } else if (fields.containsKey(key)) {
                problem(t.getKeyNode(), where + ": given twice");
            } else {
                fields.put(key, t);
            }
        }
        return fields;
    }

    String requiredText(Map<String, NodeTuple> fields, Node owner, String path, String key) {
        String where = path.isEmpty() ? key : path + "." + key;
        NodeTuple t = fields.get(key);
        if (t == null) {
            problem(owner, where + ": missing");
            return null;
        }
        String text = scalar(t.getValueNode(), where);
        if (text != null && text.isBlank()) {
            problem(t.getValueNode(), where + ": empty");
            return null;
        }
        return text == null ? null : text.strip();
    }

    String optionalText(Map<String, NodeTuple> fields, String path, String key) {
        return optionalText(fields, path, key, false);
    }

    /** The field's text, "" when absent; {@code multiLine} allows tabs and line breaks in it (a query, a description). */
    String optionalText(Map<String, NodeTuple> fields, String path, String key, boolean multiLine) {
        NodeTuple t = fields.get(key);
        if (t == null) {
            return "";
        }
        String text = scalar(t.getValueNode(), path.isEmpty() ? key : path + "." + key, multiLine);
        return text == null ? "" : text.strip();
    }

    Double number(Map<String, NodeTuple> fields, String path, String key) {
        NodeTuple t = fields.get(key);
        if (t == null) {
            return null;
        }
        String text = scalar(t.getValueNode(), path + "." + key);
        if (text == null) {
            return null;
        }
        try {
            double v = Double.parseDouble(text.strip().replace("%", ""));
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problem(t.getValueNode(), path + "." + key + ": '" + text + "' is not a number");
        return null;
    }

    int wholeNumber(Map<String, NodeTuple> fields, String path, String key, int min, int max) {
        NodeTuple t = fields.get(key);
        if (t == null) {
            return 0;
        }
        String text = scalar(t.getValueNode(), path + "." + key);
        try {
            long v = Long.parseLong(text == null ? "" : text.strip());
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        if (text != null) {
            problem(t.getValueNode(), path + "." + key + ": '" + text + "' is not a whole number in " + min + ".." + max);
        }
        return 0;
    }

    /** An optional duration field ({@code prefix} is the parent's path and a dot, or empty); null when absent or bad. */
    Duration optionalDuration(Map<String, NodeTuple> fields, String prefix, String key) {
        NodeTuple t = fields.get(key);
        return t == null ? null : duration(t.getValueNode(), prefix + key);
    }

    Duration duration(Node node, String path) {
        String text = scalar(node, path);
        if (text == null) {
            return null;
        }
        return Durations.parse(text).orElseGet(() -> {
            problem(node, path + ": '" + text + "' is not a duration like 500ms, 30s, 5m, 2h or 1h30m");
            return null;
        });
    }

    String scalar(Node node, String path) {
        return scalar(node, path, false);
    }

    /**
     * A scalar's text. YAML escapes ("\e", "\0") put control characters into values that the raw
     * text does not show, so each value is checked on its own; one that holds any is a problem (null).
     */
    String scalar(Node node, String path, boolean multiLine) {
        if (node instanceof ScalarNode s) {
            String problem = plainValues ? InputText.problem(s.getValue(), multiLine) : null;
            if (problem != null) {
                problem(node, path + ": " + problem);
                return null;
            }
            return s.getValue();
        }
        problem(node, path + ": must be a single value, not a " + (node instanceof MappingNode ? "mapping" : "list"));
        return null;
    }

    List<Node> sequence(Node node, String path) {
        if (node instanceof SequenceNode s) {
            return s.getValue();
        }
        if (node instanceof ScalarNode s && s.getValue().isEmpty()) {
            return List.of();
        }
        problem(node, path + ": must be a list");
        return List.of();
    }

    static int line(Node node) {
        return node == null || node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }

    static String at(Node node) {
        return "line " + line(node) + ": ";
    }
}
