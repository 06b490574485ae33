package io.ulidmesh.testsupport;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * Real JWTs for tests, signed with an RSA key pair this JVM makes. Services under test verify them
 * with the public key in {@link #publicKeyFile()}; {@link #forged} tokens are signed with another key.
 */
public final class TestTokens {
    public static final String ISSUER = "ulidmesh";
    /**
     * Where this JVM's key pair lives. Quarkus loads test classes again in its own class loader, so
     * the pair is kept in files named by system properties, not in a static field alone.
     */
    private static final String PRIVATE_KEY_PROPERTY = "ulidmesh.test.jwt.private-key-file";
    private static final String PUBLIC_KEY_PROPERTY = "ulidmesh.test.jwt.public-key-file";
    private static final PrivateKey TRUSTED = trustedKey();
    private static final KeyPair FORGER = generate();

    private TestTokens() {
    }

    /** A PEM file holding the trusted public key. */
    public static Path publicKeyFile() {
        return Path.of(System.getProperty(PUBLIC_KEY_PROPERTY));
    }

    private static synchronized PrivateKey trustedKey() {
        try {
            String privateFile = System.getProperty(PRIVATE_KEY_PROPERTY);
            if (privateFile != null) {
                byte[] der = Base64.getMimeDecoder().decode(Files.readString(Path.of(privateFile)));
                return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            }
            KeyPair pair = generate();
            Path privatePath = Files.createTempFile("ulidmesh-test-jwt-", ".key");
            Path publicPath = Files.createTempFile("ulidmesh-test-jwt-", ".pem");
            privatePath.toFile().deleteOnExit();
            publicPath.toFile().deleteOnExit();
            Files.writeString(privatePath, Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()));
            Files.writeString(publicPath, "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            System.setProperty(PRIVATE_KEY_PROPERTY, privatePath.toString());
            System.setProperty(PUBLIC_KEY_PROPERTY, publicPath.toString());
            return pair.getPrivate();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token for {@code subject} with {@code role} (viewer, service, operator, admin), valid for an hour. */
    public static String token(String subject, String role) {
        return sign(subject, role, ISSUER, Instant.now().plusSeconds(3600), TRUSTED);
    }

    /** The token tests use unless they test identity: an admin named {@code test-admin}. */
    public static String admin() {
        return token("test-admin", "admin");
    }

    public static String expired(String subject, String role) {
        return sign(subject, role, ISSUER, Instant.now().minusSeconds(600), TRUSTED);
    }

    public static String forged(String subject, String role) {
        return sign(subject, role, ISSUER, Instant.now().plusSeconds(3600), FORGER.getPrivate());
    }

    public static String wrongIssuer(String subject, String role) {
        return sign(subject, role, "someone-else", Instant.now().plusSeconds(3600), TRUSTED);
    }

    /** Writes {@code token} to a temp file, for services that read theirs from a file. */
    public static Path file(String token) {
        try {
            Path file = Files.createTempFile("ulidmesh-test-token-", ".jwt");
            file.toFile().deleteOnExit();
            return Files.writeString(file, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sign(String subject, String role, String issuer, Instant expiresAt, PrivateKey key) {
        return Jwt.issuer(issuer).subject(subject).groups(Set.of(role))
                .issuedAt(expiresAt.minusSeconds(7200)).expiresAt(expiresAt).sign(key);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
