package io.ulidmesh.common.grpc;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** {@link Instant} ⇄ {@code google.protobuf.Timestamp}; an unset timestamp is null. */
public final class Timestamps {
    private Timestamps() {
    }

    public static Timestamp toProto(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** The instant, or null when the field is unset (seconds and nanos both 0). */
    public static Instant toInstant(Timestamp timestamp) {
        if (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0) {
            return null;
        }
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
