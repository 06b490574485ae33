package io.ulidmesh.common.auth;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** {@code ulidmesh.client.*}: how a service identifies itself when it calls another. */
@ConfigMapping(prefix = "ulidmesh.client")
public interface ClientConfig {
    /** File holding the bearer token sent to peers (env {@code ULIDMESH_CLIENT_TOKEN_FILE}). */
    Optional<Path> tokenFile();

    /** CA (PEM) that signs the peers' certificates: peers are called over TLS when set (env {@code ULIDMESH_CLIENT_TLS_CA}). */
    Optional<Path> tlsCa();

    /** Client certificate (PEM) for peers that require mTLS. */
    Optional<Path> tlsCert();

    /** Its private key (PEM). */
    Optional<Path> tlsKey();
}
