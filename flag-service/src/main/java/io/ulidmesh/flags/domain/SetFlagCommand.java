package io.ulidmesh.flags.domain;

import java.time.Instant;

/**
 * A SetFlag as asked; {@link Flags#set} validates it. {@code basisPoints} is null when the request
 * names no state (an existing flag keeps its own, a new one starts off); empty description or
 * cohort keeps the existing one.
 */
public record SetFlagCommand(String name, Integer basisPoints, String reason, long expectedVersion,
                             String description, String cohort) {

    /**
     * The flag this command makes of {@code current} (null: the flag does not exist), or
     * {@code current} itself when it changes nothing. Checks {@code expectedVersion} first (CONFLICT).
     * {@code lastVersion} is the version of the name's last recorded state, so a flag deleted and
     * created again continues from it and a version read before the delete never matches.
     */
    public FlagState applyTo(FlagState current, long lastVersion, Instant at, String actor) {
        FlagRules.checkExpectedVersion(name, expectedVersion, current);
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
