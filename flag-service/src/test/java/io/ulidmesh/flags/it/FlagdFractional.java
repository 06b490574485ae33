package io.ulidmesh.flags.it;

import io.ulidmesh.flags.client.CohortHash;

/**
 * What OpenFeature's Java flagd provider (0.11.15, in-process) answers for the {@code fractional}
 * rule the flag-service serves, its arithmetic copied from its source (Fractional.distributeValue):
 * the murmur3 hash read as a signed int, its absolute value as a float over Integer.MAX_VALUE (which
 * is 2^31 as a float) times 100, against the running float sum of weight * 100 / total. Because of
 * the absolute value, an entity and its "mirror" (hash 2^32 - h) always land in the same bucket,
 * while the cohort hash puts them at opposite ends: no percentage strictly between 0 and 100 picks
 * the same entities.
 */
final class FlagdFractional {
    private FlagdFractional() {
    }

    static boolean enabled(String cohort, int basisPoints, String entity) {
        if (basisPoints <= 0) {
            return false;
        }
        if (basisPoints >= CohortHash.ALL) {
            return true;
        }
        int hash = CohortHash.murmur3(cohort, entity);
        float bucket = Math.abs(hash) * 1.0f / Integer.MAX_VALUE * 100;
        float onShare = (float) (basisPoints * 100) / CohortHash.ALL;
        return bucket < onShare;
    }
}
