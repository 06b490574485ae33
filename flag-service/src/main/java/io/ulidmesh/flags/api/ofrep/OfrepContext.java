package io.ulidmesh.flags.api.ofrep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ulidmesh.common.actor.AuditText;
import java.io.IOException;

/**
 * The evaluation context of an OFREP request body ({@code {"context": {...}}}); only its
 * {@code targetingKey}, the entity, matters to our flags. Null when the context has none.
 */
record OfrepContext(String targetingKey) {
    /** Bodies are small (a context); a larger one is refused before it is parsed. */
    static final int MAX_BODY = 64 * 1024;
    private static final int MAX_TARGETING_KEY = 4096;

    /** The context of {@code body}; {@code key} is the flag asked for (null in bulk), named in errors. */
    static OfrepContext parse(ObjectMapper json, byte[] body, String key) {
        if (body == null || body.length == 0) {
            throw OfrepFailure.parseError(key, "the request has no body; send {\"context\": {\"targetingKey\": \"...\"}}");
        }
        if (body.length > MAX_BODY) {
            throw OfrepFailure.invalidContext(key, "the request body is " + body.length + " bytes, more than " + MAX_BODY);
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw OfrepFailure.parseError(key, "the request body is not JSON: " + AuditText.escape(e.getOriginalMessage()));
        } catch (IOException e) {
            throw OfrepFailure.parseError(key, "the request body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw OfrepFailure.parseError(key, "the request body must be a JSON object with a context");
        }
        JsonNode context = root.get("context");
        if (context == null || !context.isObject()) {
            throw OfrepFailure.invalidContext(key, "the request body needs \"context\", a JSON object");
        }
        JsonNode targetingKey = context.get("targetingKey");
        if (targetingKey == null || targetingKey.isNull()) {
            return new OfrepContext(null);
        }
        if (!targetingKey.isTextual()) {
            throw OfrepFailure.invalidContext(key, "context.targetingKey must be a string, not " + targetingKey.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT));
        }
        String entity = targetingKey.textValue();
        if (entity.indexOf('\u0000') >= 0) {
            throw OfrepFailure.invalidContext(key, "context.targetingKey has a NUL character (U+0000) at position "
                    + entity.indexOf('\u0000'));
        }
        if (entity.length() > MAX_TARGETING_KEY) {
            throw OfrepFailure.invalidContext(key, "context.targetingKey is " + entity.length()
                    + " characters long, more than " + MAX_TARGETING_KEY);
        }
        return new OfrepContext(entity);
    }
}
