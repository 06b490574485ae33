package io.ulidmesh.rollout.config;

import io.ulidmesh.rollout.domain.plan.NotificationSpec;
import io.ulidmesh.rollout.domain.plan.SignalAllowlist;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The controller-wide notification destinations from ulidmesh.rollout.notifications.*, checked at startup. */
final class NotificationDefaults {
    private static final String PREFIX = "ulidmesh.rollout.notifications.";

    private NotificationDefaults() {
    }

    static List<NotificationSpec> of(List<String> webhooks, List<String> events, String format, String secretEnv) {
        for (String e : events) {
            if (!NotificationSpec.EVENTS.contains(e.strip())) {
                throw new IllegalArgumentException(PREFIX + "default-events: '" + e + "' is not one of "
                        + String.join(", ", NotificationSpec.EVENTS));
            }
        }
        NotificationSpec.Format f;
        try {
            f = NotificationSpec.Format.valueOf(format.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "default-format: '" + format + "' is not one of json, slack", e);
        }
        return webhooks.stream().map(String::strip).filter(w -> !w.isEmpty()).map(w -> {
            String problem = SignalAllowlist.urlProblem(w);
            if (problem != null) {
                throw new IllegalArgumentException(PREFIX + "default-webhooks: an entry " + problem);
            }
            return new NotificationSpec(w, Set.copyOf(events.stream().map(String::strip).toList()), f, secretEnv);
        }).toList();
    }
}
