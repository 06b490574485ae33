package io.ulidmesh.testsupport;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A local CA with a server and a client certificate, made by the same script as
 * {@code ./mesh up --tls} ({@code deploy/tls/make-local-ca.sh}), and TLS channels that use them.
 */
public record TestCertificates(Path dir) {

    public static TestCertificates make() {
        try {
            Path dir = Files.createTempDirectory("ulidmesh-test-tls-");
            Path script = repositoryRoot().resolve("deploy/tls/make-local-ca.sh");
            Process process = new ProcessBuilder("bash", script.toString(), dir.toString(), "test-client")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(script + " failed: " + output);
            }
            return new TestCertificates(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** A TLS channel to {@code port} on 127.0.0.1 trusting the CA, with the client certificate or without. */
    public ManagedChannel channel(int port, boolean presentClientCertificate) {
        return channel(port, presentClientCertificate ? this : null);
    }

    /** A TLS channel trusting this CA and presenting the client certificate of {@code client} (null: none). */
    public ManagedChannel channel(int port, TestCertificates client) {
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(ca().toFile());
            if (client != null) {
                ssl.keyManager(client.clientCert().toFile(), client.clientKey().toFile());
            }
            return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build())
                    .intercept(TestChannels.bearer(TestTokens.admin())).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDK's TLS trusting the CA (no client certificate), for HTTP checks such as readiness. */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(ca())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("deploy/tls/make-local-ca.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("deploy/tls/make-local-ca.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
