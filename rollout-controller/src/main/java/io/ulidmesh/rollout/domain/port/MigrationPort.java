package io.ulidmesh.rollout.domain.port;

import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import java.util.List;
import java.util.Optional;

/** migration-worker as the controller uses it. A call that fails is a {@link PeerFailure}. */
public interface MigrationPort {
    /** The targets registered on the worker. */
    List<MigrationTarget> targets();

    /** The migration named {@code name} on {@code target}, if the worker has one. */
    Optional<MigrationRun> find(String target, String name);

    MigrationRun create(String name, PlannedMigration spec);

    /** Plans {@code spec} without creating it; a spec the target's catalog does not match is refused (FAILED_PRECONDITION). */
    MigrationEstimate plan(PlannedMigration spec);

    MigrationRun get(String id);

    void expand(String id, String reason);

    /** Starts the backfill; it runs on the worker until the migration is BACKFILLED. */
    void backfill(String id, String reason);

    ValidationOutcome validate(String id, String reason);

    void contract(String id, String reason);

    MigrationRun rollback(String id, String reason);
}
