package io.ulidmesh.rollout.domain.port;

/** A migration as the worker reports it: where it is, how far its backfill got, and its last error ("" when none). */
public record MigrationRun(String id, State state, long rowsBackfilled, String lastError) {

    /** The worker's migration states. */
    public enum State {
        /** A state this controller does not know. */
        UNKNOWN, CREATED, EXPANDED, BACKFILLING, PAUSED, BACKFILLED, VALIDATED, CONTRACTED, ROLLED_BACK, FAILED;

        /** How far along expand, backfill, validate, contract the migration is; 0 for none of these. */
        public int progress() {
            return switch (this) {
                case CREATED -> 1;
                case EXPANDED -> 2;
                case BACKFILLING, PAUSED -> 3;
                case BACKFILLED -> 5;
                case VALIDATED -> 6;
                case CONTRACTED -> 7;
                default -> 0;
            };
        }
    }
}
