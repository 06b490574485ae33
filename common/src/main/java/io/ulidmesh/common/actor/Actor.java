package io.ulidmesh.common.actor;

import io.grpc.Context;
import io.grpc.Metadata;

/**
 * Who makes a change. With authentication on (the default) this is the verified token's
 * {@code sub}; with it off, the caller's {@code x-ulidmesh-actor} metadata value, else
 * {@code anonymous}. {@link io.ulidmesh.common.auth.AuthInterceptor} puts it into every call's context.
 */
public final class Actor {
    public static final String ANONYMOUS = "anonymous";
    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("x-ulidmesh-actor", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CONTEXT_KEY = Context.key("ulidmesh-actor");
    private static final int MAX_LENGTH = 128;

    private Actor() {
    }

    /** The actor of the gRPC call being served; read it before any asynchronous hop. */
    public static String current() {
        String actor = CONTEXT_KEY.get();
        return actor == null ? ANONYMOUS : actor;
    }

    /** {@code context} with {@code actor} as the caller. */
    public static Context withActor(Context context, String actor) {
        return context.withValue(CONTEXT_KEY, actor);
    }

    /** The actor an {@code x-ulidmesh-actor} header names (trusted only with auth off). */
    public static String fromHeader(String value) {
        if (value == null || value.isBlank()) {
            return ANONYMOUS;
        }
        String trimmed = AuditText.escape(value.strip());
        return trimmed.length() > MAX_LENGTH ? trimmed.substring(0, MAX_LENGTH) : trimmed;
    }

    /** Metadata that names {@code actor} on an outgoing call (heard only by services with auth off). */
    public static Metadata header(String actor) {
        Metadata metadata = new Metadata();
        metadata.put(HEADER, actor);
        return metadata;
    }
}
