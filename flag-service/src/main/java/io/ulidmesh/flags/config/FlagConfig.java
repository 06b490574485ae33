package io.ulidmesh.flags.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Settings of the flag service ({@code ulidmesh.flags.*}). */
@ConfigMapping(prefix = "ulidmesh.flags")
public interface FlagConfig {
    /** The change listener reads the history at least this often, even when no notification came. */
    @WithDefault("1000")
    int pollIntervalMs();

    /** OFREP on the HTTP port ({@code ulidmesh.flags.ofrep.*}). */
    Ofrep ofrep();

    interface Ofrep {
        /** Requests a second this replica answers on /ofrep/v1, all callers together; 0 (default) = no limit. */
        @WithDefault("0")
        double rateLimit();

        /** Requests allowed at once above the rate; default: one second's worth. */
        Optional<Integer> burst();

        /** The polling interval the configuration endpoint asks providers to keep at least. */
        @WithDefault("1000")
        int minPollingIntervalMs();
    }
}
