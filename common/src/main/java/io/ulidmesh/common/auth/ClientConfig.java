package io.ulidmesh.common.auth;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** {@code ulidmesh.client.*}: how a service identifies itself when it calls another. */
@ConfigMapping(prefix = "ulidmesh.client")
public interface ClientConfig {
    /** File holding the bearer token sent to peers (env {@code ULIDMESH_CLIENT_TOKEN_FILE}). */
    Optional<Path> tokenFile();
}
