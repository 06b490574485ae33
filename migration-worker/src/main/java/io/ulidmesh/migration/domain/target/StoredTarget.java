package io.ulidmesh.migration.domain.target;

/** A registered target with its sealed password (null when none is stored, see {@link PasswordVault}). */
public record StoredTarget(TargetDatabase target, byte[] sealedPassword) {
}
