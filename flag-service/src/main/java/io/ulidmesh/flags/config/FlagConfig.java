package io.ulidmesh.flags.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the flag service ({@code ulidmesh.flags.*}). */
@ConfigMapping(prefix = "ulidmesh.flags")
public interface FlagConfig {
    /** The change listener reads the history at least this often, even when no notification came. */
    @WithDefault("1000")
    int pollIntervalMs();
}
