package io.ulidmesh.common.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Secure by default: with auth on and no key to verify tokens with, the service refuses to start
 * and names the setting; with auth off it says loudly that every caller is trusted.
 */
@ApplicationScoped
public class AuthSettings {
    private static final Logger LOG = Logger.getLogger(AuthSettings.class);
    static final String KEY_LOCATION = "mp.jwt.verify.publickey.location";

    void check(@Observes StartupEvent event, AuthConfig auth, Config config) {
        if (auth.mode() == AuthConfig.Mode.OFF) {
            LOG.warn("authentication is OFF (ulidmesh.auth.mode=off, ULIDMESH_AUTH=off): every caller is trusted"
                    + " and names itself with x-ulidmesh-actor; use this only in a trusted local setup");
            return;
        }
        boolean hasKey = config.getOptionalValue(KEY_LOCATION, String.class).filter(s -> !s.isBlank()).isPresent()
                || config.getOptionalValue("mp.jwt.verify.publickey", String.class).filter(s -> !s.isBlank()).isPresent();
        if (!hasKey) {
            throw new IllegalStateException("authentication is on but no key verifies tokens: set " + KEY_LOCATION
                    + " (env MP_JWT_VERIFY_PUBLICKEY_LOCATION) to a PEM or JWKS file or URL,"
                    + " or ULIDMESH_AUTH=off for a trusted local setup");
        }
        anonymousRole(auth).ifPresent(role -> LOG.infof("calls without a token get role %s", role.groupName()));
    }

    /** The configured anonymous role; an unknown name stops the service. */
    static Optional<Role> anonymousRole(AuthConfig auth) {
        return auth.anonymousRole().filter(s -> !s.isBlank()).map(name -> Role.ofGroup(name.strip())
                .orElseThrow(() -> new IllegalStateException("ulidmesh.auth.anonymous-role is '" + name
                        + "'; it must be one of viewer, service, operator, admin")));
    }
}
