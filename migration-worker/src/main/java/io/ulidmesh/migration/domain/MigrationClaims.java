package io.ulidmesh.migration.domain;

import java.util.Optional;

/**
 * Which worker replica runs a migration's backfill (issue 17): a claim is held while one runs and
 * lost when its worker dies, so two workers never mint ULIDs for the same migration side by side,
 * and another one can take over from the checkpoint.
 */
public interface MigrationClaims {
    /** The claim on {@code id}, or empty when another worker holds it. */
    Optional<Claim> tryClaim(String id);

    /** A held claim; closing releases it. */
    interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    /** One worker alone: every claim succeeds (the domain tests). */
    MigrationClaims LOCAL = id -> Optional.of(() -> { });
}
