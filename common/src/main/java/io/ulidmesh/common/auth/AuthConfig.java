package io.ulidmesh.common.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code ulidmesh.auth.*}: identity checks of every service. */
@ConfigMapping(prefix = "ulidmesh.auth")
public interface AuthConfig {
    /** {@code on} (default) or {@code off}; env {@code ULIDMESH_AUTH} is read through the shared properties. */
    @WithDefault("on")
    Mode mode();

    /** The role an untokened call gets (e.g. {@code viewer} for OpenFeature providers in a trusted network); none by default. */
    Optional<String> anonymousRole();

    /** How many verified tokens are kept, so hot paths skip the signature check. */
    @WithDefault("10000")
    int cacheSize();

    enum Mode {
        ON, OFF
    }
}
