package io.ulidmesh.migration.domain;

/**
 * Where a backfill stands: the last key of the last batch reserved (null at the start of a pass),
 * the last ULID minted (the generator's state) and the pass over the table (each pass starts again
 * from the first key, to catch rows inserted behind the cursor).
 */
public record Checkpoint(String key, String lastUlid, int pass) {
    public static final Checkpoint START = new Checkpoint(null, "", 0);
}
