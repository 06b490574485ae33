package io.ulidmesh.rollout.domain.plan;

import io.ulidmesh.rollout.domain.plan.NotificationSpec.Format;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** A plan's {@code notifications:} list, each problem with its line; webhooks limited to an allowlist (SSRF). */
final class NotificationsParser {
    static final int MAX_NOTIFICATIONS = 20;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");

    private NotificationsParser() {
    }

    static List<NotificationSpec> parse(PlanNodes nodes, Node node, boolean request, SignalAllowlist allowlist) {
        List<NotificationSpec> result = new ArrayList<>();
        List<Node> items = nodes.sequence(node, "notifications");
        if (request && items.size() > MAX_NOTIFICATIONS) {
            nodes.problem(node, "notifications: " + items.size() + " entries, more than the " + MAX_NOTIFICATIONS + " a plan may have");
            return result;
        }
        for (int i = 0; i < items.size(); i++) {
            String path = "notifications[" + i + "]";
            if (!(items.get(i) instanceof MappingNode m)) {
                nodes.problem(items.get(i), path + ": must be a mapping with webhook");
                continue;
            }
            Map<String, NodeTuple> f = nodes.fields(m, path, Set.of("webhook", "events", "format", "secret_env"));
            String webhook = nodes.requiredText(f, m, path, "webhook");
            if (webhook != null) {
                String problem = SignalAllowlist.urlProblem(webhook);
                if (problem == null && allowlist != null) {
                    problem = allowlist.webhookProblem(webhook);
                }
                if (problem != null) {
                    nodes.problem(f.get("webhook").getValueNode(), path + ".webhook: " + problem);
                }
            }
            Set<String> events = new LinkedHashSet<>(NotificationSpec.EVENTS);
            if (f.containsKey("events")) {
                events.clear();
                for (Node e : nodes.sequence(f.get("events").getValueNode(), path + ".events")) {
                    String name = e instanceof ScalarNode s ? s.getValue() : "";
                    if (!NotificationSpec.EVENTS.contains(name)) {
                        nodes.problem(e, path + ".events: '" + name + "' is not one of " + String.join(", ", NotificationSpec.EVENTS));
                    } else {
                        events.add(name);
                    }
                }
            }
            Format format = Format.JSON;
            String formatText = nodes.optionalText(f, path, "format");
            if (!formatText.isEmpty()) {
                switch (formatText.toLowerCase(Locale.ROOT)) {
                    case "json" -> format = Format.JSON;
                    case "slack" -> format = Format.SLACK;
                    default -> nodes.problem(f.get("format").getValueNode(), path + ".format: '" + formatText
                            + "' is not one of json, slack");
                }
            }
            String secretEnv = nodes.optionalText(f, path, "secret_env");
            if (!secretEnv.isEmpty() && !ENV_NAME.matcher(secretEnv).matches()) {
                nodes.problem(f.get("secret_env").getValueNode(), path + ".secret_env: '" + secretEnv
                        + "' must be an environment variable's name matching " + ENV_NAME.pattern());
            }
            result.add(new NotificationSpec(webhook == null ? "" : webhook, Set.copyOf(events), format, secretEnv));
        }
        return result;
    }
}
