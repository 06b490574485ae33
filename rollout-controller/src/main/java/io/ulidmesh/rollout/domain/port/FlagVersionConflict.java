package io.ulidmesh.rollout.domain.port;

/**
 * flag-service refused a compare-and-set write: the flag is no longer at the version the write
 * expected, because someone else changed it since it was read. Checked, so that every flag write
 * decides what a lost race means for it (read again and retry, never overwrite).
 */
public class FlagVersionConflict extends Exception {
    public FlagVersionConflict(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
