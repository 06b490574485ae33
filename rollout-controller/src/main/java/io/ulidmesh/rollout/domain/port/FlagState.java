package io.ulidmesh.rollout.domain.port;

import io.ulidmesh.rollout.domain.plan.FlagValue;
import java.util.Optional;

/** A flag on flag-service: its value in basis points and its version. */
public record FlagState(int basisPoints, long version) {

    /** {@code 10% (v3)}; "absent" when flag-service has no such flag. */
    public static String text(Optional<FlagState> flag) {
        return flag.map(s -> new FlagValue(s.basisPoints()).text() + " (v" + s.version() + ")").orElse("absent");
    }
}
