package io.ulidmesh.flags.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.ulidmesh.flags.domain.InProcessAgreement;
import java.util.Optional;

/** Settings of the flag service ({@code ulidmesh.flags.*}). */
@ConfigMapping(prefix = "ulidmesh.flags")
public interface FlagConfig {
    /** The change listener reads the history at least this often, even when no notification came. */
    @WithDefault("1000")
    int pollIntervalMs();

    /** flagd sync for in-process providers ({@code ulidmesh.flags.sync.*}). */
    Sync sync();

    interface Sync {
        /**
         * What SetFlag and SetFlags do with a percentage other than 0 or 100 % on a flag in-process
         * providers evaluate: allow, warn (default: logged and counted) or refuse (FAILED_PRECONDITION).
         */
        @WithDefault("warn")
        InProcessAgreement.Mode inexactPercentages();

        /** The flags in-process providers evaluate, a regular expression over the name; default every flag. */
        @WithDefault(".*")
        String inProcessFlags();
    }

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
