package io.ulidmesh.migration.domain.target;

import java.util.Locale;

/**
 * The resolved names a migration works with, as the target's catalog spells them, plus the names of
 * the objects the worker itself creates (derived from the migration id, so they never clash).
 */
public record TableRef(String table, String key, KeyKind keyKind, String ulid, String legacy, String legacyType,
                       boolean legacyNotNull, String timestamp, String migrationId) {

    public boolean hasLegacy() {
        return legacy != null && !legacy.isEmpty();
    }

    public boolean hasTimestamp() {
        return timestamp != null && !timestamp.isEmpty();
    }

    /** The backup table Contract archives the legacy values in (key → value). */
    public String archiveTable() {
        return "ulidmesh_archive_" + suffix();
    }

    /** The unique index Contract builds on the ULID column. */
    public String uniqueIndex() {
        return "ulidmesh_uq_" + suffix();
    }

    /** The archive's own index on the key, which makes the restore a keyed join. */
    public String archiveIndex() {
        return "ulidmesh_ak_" + suffix();
    }

    /** Prefix of helper objects (constraints, triggers) that enforce NOT NULL. */
    public String notNullName() {
        return "ulidmesh_nn_" + suffix();
    }

    /** The trigger (and on PostgreSQL its function) that gives rows inserted without a ULID one: the write-sync. */
    public String writeSyncName() {
        return "ulidmesh_ws_" + suffix();
    }

    private String suffix() {
        return migrationId.toLowerCase(Locale.ROOT);
    }
}
