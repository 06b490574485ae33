package io.ulidmesh.common.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jboss.logging.Logger;

/**
 * mTLS: with {@code ulidmesh.tls.client-auth=required}, a request over TLS without a client
 * certificate the trust store verified is refused before any route (gRPC included) sees it.
 * {@code /q/health*} and gRPC health stay open so that Kubernetes probes, which send no
 * certificate, still work.
 * The TLS handshake itself verifies any certificate that is sent ({@code quarkus.http.ssl.client-auth=request}).
 */
@ApplicationScoped
public class ClientCertificateCheck {
    private static final Logger LOG = Logger.getLogger(ClientCertificateCheck.class);

    /** {@code ulidmesh.tls.*} read at run time. */
    @ConfigMapping(prefix = "ulidmesh.tls")
    public interface TlsConfig {
        /** The server certificate (PEM), used by the {@code tls} profile. */
        Optional<String> cert();

        /** Its private key (PEM). */
        Optional<String> key();

        /** The CA (PEM) that signs client certificates. */
        Optional<String> ca();

        /** {@code none} (default) or {@code required}. */
        @WithDefault("none")
        ClientAuth clientAuth();

        enum ClientAuth {
            NONE, REQUIRED
        }
    }

    void install(@Observes Router router, TlsConfig config) {
        if (config.clientAuth() != TlsConfig.ClientAuth.REQUIRED) {
            return;
        }
        LOG.info("mTLS: calls without a verified client certificate are refused (ulidmesh.tls.client-auth=required)");
        router.route().order(Integer.MIN_VALUE).handler(ClientCertificateCheck::check);
    }

    private static void check(RoutingContext context) {
        String path = context.request().path();
        if (path.startsWith("/q/health") || path.startsWith("/grpc.health.v1.Health/")
                || hasVerifiedCertificate(context.request().sslSession())) {
            context.next();
            return;
        }
        context.response().setStatusCode(401).putHeader("content-type", "text/plain")
                .end("a client certificate signed by the service's CA is required (mTLS)\n");
    }

    private static boolean hasVerifiedCertificate(SSLSession session) {
        if (session == null) {
            return false;
        }
        try {
            return session.getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
