package io.ulidmesh.resolution.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the registry ({@code ulidmesh.resolution.*}). */
@ConfigMapping(prefix = "ulidmesh.resolution")
public interface ResolutionConfig {
    /** Entries of the Resolve cache; registrations never change, so entries never go stale. */
    @WithDefault("1000000")
    long cacheSize();

    /**
     * Refused items a RegisterStream reply lists (the first ones, in stream order); the last listed
     * one's message counts the rest. At least 1.
     */
    @WithDefault("100")
    int maxListedErrors();

    /**
     * Monthly registry partitions kept created beyond the current month (checked at start and every
     * six hours), so that new ULIDs never land in the default partition.
     */
    @WithDefault("3")
    int partitionMonthsAhead();
}
