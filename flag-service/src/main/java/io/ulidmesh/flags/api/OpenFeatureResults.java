package io.ulidmesh.flags.api;

import io.ulidmesh.flags.domain.EvaluationResult;
import io.ulidmesh.flags.domain.Reason;

/**
 * How an evaluation reads in every OpenFeature protocol we serve (flagd RPC, OFREP, flagd sync): a
 * boolean with variants "on" and "off"; a flag that is the same for everyone resolves STATIC (a
 * provider may cache it), a percentage TARGETING_MATCH.
 */
public final class OpenFeatureResults {
    public static final String ON = "on";
    public static final String OFF = "off";

    private OpenFeatureResults() {
    }

    public static String reason(EvaluationResult e) {
        return e.reason() == Reason.FLAG_ON || e.reason() == Reason.FLAG_OFF ? "STATIC" : "TARGETING_MATCH";
    }

    public static String variant(EvaluationResult e) {
        return e.enabled() ? ON : OFF;
    }
}
