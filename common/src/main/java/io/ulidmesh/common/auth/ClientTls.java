package io.ulidmesh.common.auth;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** The client side of {@code ulidmesh.client.tls-*}, for every process that calls the services over gRPC. */
public final class ClientTls {
    private ClientTls() {
    }

    /**
     * TLS trusting {@code ulidmesh.client.tls-ca}, presenting {@code tls-cert}/{@code tls-key} to mTLS
     * peers when both are set; empty (plaintext) without a CA.
     */
    public static Optional<SslContext> of(ClientConfig client) {
        if (client.tlsCa().isEmpty()) {
            return Optional.empty();
        }
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(client.tlsCa().get().toFile());
            if (client.tlsCert().isPresent() && client.tlsKey().isPresent()) {
                ssl.keyManager(client.tlsCert().get().toFile(), client.tlsKey().get().toFile());
            }
            return Optional.of(ssl.build());
        } catch (SSLException | IllegalArgumentException e) {
            // Only the setting's name and the reason: the files' contents never reach a log.
            throw new IllegalStateException("ulidmesh.client.tls-*: " + e.getMessage(), e);
        }
    }
}
