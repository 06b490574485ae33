package io.ulidmesh.migration.domain.target;

import io.ulidmesh.common.error.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Keeps target passwords secret. With {@code ulidmesh.migration.secret-key} (base64 of 16, 24 or 32
 * bytes) they are stored AES-GCM encrypted (12-byte random nonce || ciphertext+tag, the target name
 * as associated data, so a ciphertext cannot be moved to another target). Without a key they are
 * kept in this process's memory only, never stored, and must be registered again after a restart.
 */
// In domain, not store: "no password is stored, returned or logged unsealed" is the worker's own rule; AES-GCM is plain JDK.
public class PasswordVault {
    private static final Logger LOG = Logger.getLogger(PasswordVault.class);
    private static final int NONCE_BYTES = 12;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> inMemory = new ConcurrentHashMap<>();

    /** {@code secretKey}: base64 of 16, 24 or 32 bytes; empty keeps passwords in memory only. */
    public PasswordVault(Optional<String> secretKey) {
        this.key = secretKey.filter(k -> !k.isBlank()).map(PasswordVault::keyOf).orElse(null);
        if (key == null) {
            LOG.warn("ulidmesh.migration.secret-key is not set: target passwords are kept in memory only and must be"
                    + " registered again after a restart");
        }
    }

    private static SecretKeySpec keyOf(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ulidmesh.migration.secret-key is not valid base64");
        }
        if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
            throw new IllegalStateException("ulidmesh.migration.secret-key must decode to 16, 24 or 32 bytes, not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    public boolean persistent() {
        return key != null;
    }

    /** The ciphertext to store, or null when the password stays in memory (no key) or is empty. */
    public byte[] seal(String target, String password) {
        inMemory.remove(target);
        if (password.isEmpty()) {
            return null;
        }
        if (key == null) {
            inMemory.put(target, password);
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(target.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(password.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The password of {@code target}; empty when it has none. */
    public String open(String target, boolean hasPassword, byte[] sealed) {
        if (!hasPassword) {
            return "";
        }
        if (sealed == null) {
            String password = inMemory.get(target);
            if (password == null) {
                throw DomainException.failedPrecondition("the password of target '" + target
                        + "' was kept in memory only and is gone after a restart; register the target again");
            }
            return password;
        }
        if (key == null) {
            throw DomainException.failedPrecondition("the password of target '" + target
                    + "' is stored encrypted but ulidmesh.migration.secret-key is not configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(target.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw DomainException.failedPrecondition("the password of target '" + target
                    + "' cannot be decrypted with the configured ulidmesh.migration.secret-key; register the target again");
        }
    }
}
