package io.ulidmesh.flags.domain;

import io.ulidmesh.common.error.DomainException;
import java.time.Instant;

/**
 * A SetFlag, or a SetFlags entry, as asked; {@link Flags#set} validates it. {@code basisPoints} is
 * null when the request names no state (an existing flag keeps its own, a new one starts off); empty
 * description or cohort keeps the existing one. {@code delete} deletes the flag instead (in SetFlags),
 * and then sets nothing else.
 */
public record SetFlagCommand(String name, Integer basisPoints, String reason, long expectedVersion,
                             String description, String cohort, boolean delete) {

    /** A command that sets the flag. */
    public SetFlagCommand(String name, Integer basisPoints, String reason, long expectedVersion,
                          String description, String cohort) {
        this(name, basisPoints, reason, expectedVersion, description, cohort, false);
    }

    /**
     * The flag this command makes of {@code current} (null: the flag does not exist), {@code current}
     * itself when it changes nothing, or null when it deletes the flag. Checks {@code expectedVersion}
     * first (CONFLICT, also for a flag that does not exist); a delete without one of a flag that does
     * not exist is NOT_FOUND. {@code lastVersion} is the version of the name's last recorded state,
     * so a flag deleted and created again continues from it and a version read before the delete
     * never matches.
     */
    public FlagState applyTo(FlagState current, long lastVersion, Instant at, String actor) {
        FlagRules.checkExpectedVersion(name, expectedVersion, current);
        if (delete) {
            if (current == null) {
                throw DomainException.notFound("flag '" + name + "' does not exist, so it cannot be deleted");
            }
            return null;
        }
        if (current == null) {
            return new FlagState(name, description, basisPoints == null ? 0 : basisPoints,
                    cohort.isEmpty() ? name : cohort, lastVersion + 1, at, actor, reason);
        }
        int bp = basisPoints == null ? current.basisPoints() : basisPoints;
        String newDescription = description.isEmpty() ? current.description() : description;
        String newCohort = cohort.isEmpty() ? current.cohort() : cohort;
        if (bp == current.basisPoints() && newDescription.equals(current.description())
                && newCohort.equals(current.cohort())) {
            return current;
        }
        return new FlagState(name, newDescription, bp, newCohort, lastVersion + 1, at, actor, reason);
    }
}
