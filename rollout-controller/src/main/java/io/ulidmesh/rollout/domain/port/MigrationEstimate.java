package io.ulidmesh.rollout.domain.port;

import java.util.List;

/**
 * The worker's plan of a migration spec it has not created: the backfill's size now, the rate it
 * assumes ({@code basis} says where that comes from), the seconds it should take, and the step names.
 */
public record MigrationEstimate(long rows, long rowsToBackfill, double rowsPerSecond, long seconds, String basis,
                                List<String> steps) {
}
