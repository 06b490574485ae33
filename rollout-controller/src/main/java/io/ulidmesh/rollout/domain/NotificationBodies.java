package io.ulidmesh.rollout.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.ulidmesh.rollout.domain.plan.NotificationSpec.Format;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A notification's body (the event as JSON, or a readable Slack message) and its HMAC-SHA256 signature. */
public final class NotificationBodies {
    /** snake_case, as the rest of the mesh's JSON. */
    public static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private NotificationBodies() {
    }

    public static String render(NotificationEvent e, Format format) {
        try {
            return format == Format.SLACK ? JSON.writeValueAsString(Map.of("text", slack(e))) : JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a notification could not be written as JSON", ex);
        }
    }

    /** What happened, which rule broke with its value, and what was restored, in a few lines. */
    static String slack(NotificationEvent e) {
        String head = "*Rollout " + e.rollout() + "* (`" + e.rolloutId() + "`)";
        String where = e.phase().isEmpty() ? "" : " phase *" + e.phase() + "*";
        StringBuilder text = new StringBuilder();
        switch (e.event()) {
            case "breach" -> text.append(":warning: ").append(head).append(where).append(": ").append(e.message());
            case "rolled-back" -> {
                text.append(":rewind: ").append(head).append(where).append(" rolled back.\n*Why:* ").append(e.lastReason());
                if (!e.restored().isEmpty()) {
                    text.append("\n*Restored:* ").append(e.restored().stream().map(NotificationBodies::restored)
                            .collect(Collectors.joining(", ")));
                }
            }
            case "failed", "aborted" -> text.append(":x: ").append(head).append(where).append(" ").append(e.event()).append(": ")
                    .append(e.message());
            case "completed" -> text.append(":white_check_mark: ").append(head).append(" completed.");
            default -> text.append(":information_source: ").append(head).append(where).append(" ").append(e.event()).append(": ")
                    .append(e.message());
        }
        text.append("\n*State:* ").append(e.state()).append(e.currentPhaseName().isEmpty() ? "" : " at phase "
                + e.currentPhaseName()).append(" · by ").append(e.actor()).append(" · ").append(e.at());
        return text.toString();
    }

    private static String restored(NotificationEvent.Restored r) {
        return r.kind().equals("flag") ? "flag `" + r.subject() + "` back to " + r.value()
                : "migration `" + r.subject() + "` rolled back";
    }

    /** {@code sha256=HEX}: HMAC-SHA256 of the body's UTF-8 bytes under {@code secret}. */
    public static String signature(String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
