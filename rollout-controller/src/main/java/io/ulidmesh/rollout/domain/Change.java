package io.ulidmesh.rollout.domain;

/**
 * One journal entry: a change a phase attempt makes, recorded with how things were before it
 * is made. A flag entry keeps the previous value and version (or that the flag did not exist); a
 * migration entry keeps the worker's migration and how many of its steps are done. Once applied,
 * a flag entry keeps the version the phase left the flag at, which a rollback's write expects.
 */
public record Change(String rolloutId, int phaseIdx, int attempt, int pos, Kind kind, String subject,
                     boolean prevExists, Integer prevBasisPoints, Long prevVersion, Integer targetBasisPoints,
                     Integer migrationIndex, String migrationId, int stepsDone, boolean applied, boolean restored,
                     Long appliedVersion) {

    public enum Kind { FLAG, MIGRATION }

    public static Change flag(String rolloutId, int phaseIdx, int attempt, int pos, String flag, boolean prevExists,
                              Integer prevBasisPoints, Long prevVersion, int target) {
        return new Change(rolloutId, phaseIdx, attempt, pos, Kind.FLAG, flag, prevExists, prevBasisPoints, prevVersion,
                target, null, null, 0, false, false, null);
    }

    public static Change migration(String rolloutId, int phaseIdx, int attempt, int pos, String name, int migrationIndex) {
        return new Change(rolloutId, phaseIdx, attempt, pos, Kind.MIGRATION, name, false, null, null, null,
                migrationIndex, null, 0, false, false, null);
    }

    /** Applied, the flag left at {@code version} (null: unknown, e.g. a migration). */
    public Change markApplied(Long version) {
        return new Change(rolloutId, phaseIdx, attempt, pos, kind, subject, prevExists, prevBasisPoints, prevVersion,
                targetBasisPoints, migrationIndex, migrationId, stepsDone, true, restored, version);
    }

    public Change markApplied() {
        return new Change(rolloutId, phaseIdx, attempt, pos, kind, subject, prevExists, prevBasisPoints, prevVersion,
                targetBasisPoints, migrationIndex, migrationId, stepsDone, true, restored, appliedVersion);
    }

    public Change markRestored() {
        return new Change(rolloutId, phaseIdx, attempt, pos, kind, subject, prevExists, prevBasisPoints, prevVersion,
                targetBasisPoints, migrationIndex, migrationId, stepsDone, applied, true, appliedVersion);
    }

    /** The same entry recording another state of the flag before the change. */
    public Change withPrevious(boolean exists, Integer basisPoints, Long version) {
        return new Change(rolloutId, phaseIdx, attempt, pos, kind, subject, exists, basisPoints, version,
                targetBasisPoints, migrationIndex, migrationId, stepsDone, applied, restored, appliedVersion);
    }

    public Change withMigrationId(String id) {
        return new Change(rolloutId, phaseIdx, attempt, pos, kind, subject, prevExists, prevBasisPoints, prevVersion,
                targetBasisPoints, migrationIndex, id, stepsDone, applied, restored, appliedVersion);
    }

    public Change withStepsDone(int n) {
        return new Change(rolloutId, phaseIdx, attempt, pos, kind, subject, prevExists, prevBasisPoints, prevVersion,
                targetBasisPoints, migrationIndex, migrationId, n, applied, restored, appliedVersion);
    }
}
