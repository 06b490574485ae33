package io.ulidmesh.rollout.domain.port;

import java.util.Optional;

/**
 * flag-service as the controller uses it. Writes are compare-and-set: they land only while the
 * flag is still at {@code expectedVersion}. A call that fails is a {@link PeerFailure}.
 */
public interface FlagPort {
    /** The flag, or empty when flag-service has none of that name. */
    Optional<FlagState> getFlag(String name);

    /**
     * One flag of a {@link #setFlags} write: its value, the version it must still be at, and why.
     * flag-service checks no version when it is 0 and has no "create only if absent", so 0 is for
     * a flag read as absent and such a write still replaces a flag created since that read.
     */
    record FlagWrite(String name, int basisPoints, long expectedVersion, String reason) {
    }

    /**
     * Sets several flags in one transaction under one revision (flag-service's SetFlags): every
     * expected version holds and all change, or none does (a {@link FlagVersionConflict}). Readers
     * never see some changed and others not. Returns each flag after the write, in order.
     */
    java.util.List<FlagState> setFlags(java.util.List<FlagWrite> writes) throws FlagVersionConflict;

    /** Deletes the flag only if it is still at {@code expectedVersion}; false when it is already gone. */
    boolean deleteFlag(String name, long expectedVersion, String reason) throws FlagVersionConflict;
}
