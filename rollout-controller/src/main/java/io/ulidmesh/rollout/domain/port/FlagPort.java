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
     * One flag of a {@link #setFlags} write: its value, the version it must still be at, and why; or,
     * with {@code delete}, the flag deleted if still at that version (always > 0 for a delete).
     * flag-service checks no version when it is 0 and has no "create only if absent", so 0 is for
     * a flag read as absent and such a write still replaces a flag created since that read.
     */
    record FlagWrite(String name, int basisPoints, long expectedVersion, String reason, boolean delete) {
        public FlagWrite(String name, int basisPoints, long expectedVersion, String reason) {
            this(name, basisPoints, expectedVersion, reason, false);
        }

        public static FlagWrite deletion(String name, long expectedVersion, String reason) {
            return new FlagWrite(name, 0, expectedVersion, reason, true);
        }
    }

    /**
     * Sets and deletes several flags in one transaction under one revision (flag-service's SetFlags):
     * every expected version holds and all change, or none does (a {@link FlagVersionConflict}, also
     * for a delete of a flag gone already). Readers never see some changed and others not. Returns
     * each flag after the write, in order (a deleted one as it was last).
     */
    java.util.List<FlagState> setFlags(java.util.List<FlagWrite> writes) throws FlagVersionConflict;
}
