package io.ulidmesh.common.actor;

import io.grpc.Context;
import io.grpc.Metadata;

/**
 * Who makes a change. Until authentication lands this is the caller's {@code x-ulidmesh-actor}
 * metadata value, else {@code anonymous}; services calling each other send their own name.
 */
public final class Actor {
    public static final String ANONYMOUS = "anonymous";
    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("x-ulidmesh-actor", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> CONTEXT_KEY = Context.key("ulidmesh-actor");
    private static final int MAX_LENGTH = 128;

    private Actor() {
    }

    /** The actor of the gRPC call being served; read it before any asynchronous hop. */
    public static String current() {
        String actor = CONTEXT_KEY.get();
        return actor == null ? ANONYMOUS : actor;
    }

    static String fromHeader(String value) {
        if (value == null || value.isBlank()) {
            return ANONYMOUS;
        }
        String trimmed = value.strip();
        return trimmed.length() > MAX_LENGTH ? trimmed.substring(0, MAX_LENGTH) : trimmed;
    }

    /** Metadata that names {@code actor} on an outgoing call. */
    public static Metadata header(String actor) {
        Metadata metadata = new Metadata();
        metadata.put(HEADER, actor);
        return metadata;
    }
}
