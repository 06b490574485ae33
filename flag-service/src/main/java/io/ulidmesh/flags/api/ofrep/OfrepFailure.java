package io.ulidmesh.flags.api.ofrep;

/**
 * An OFREP error answer: the HTTP status, the OpenFeature error code of the body and a message
 * that names the offending value. {@code key} is the flag asked for, null for bulk requests.
 */
final class OfrepFailure extends RuntimeException {
    final int status;
    final String errorCode;
    final String key;

    private OfrepFailure(int status, String errorCode, String key, String details) {
        super(details, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.key = key;
    }

    static OfrepFailure parseError(String key, String details) {
        return new OfrepFailure(400, "PARSE_ERROR", key, details);
    }

    static OfrepFailure invalidContext(String key, String details) {
        return new OfrepFailure(400, "INVALID_CONTEXT", key, details);
    }

    static OfrepFailure targetingKeyMissing(String key) {
        return new OfrepFailure(400, "TARGETING_KEY_MISSING", key, "flag '" + key
                + "' is a percentage rollout: the context needs a targetingKey (the entity)");
    }

    static OfrepFailure flagNotFound(String key) {
        return new OfrepFailure(404, "FLAG_NOT_FOUND", key, "flag '" + key + "' was not found");
    }
}
