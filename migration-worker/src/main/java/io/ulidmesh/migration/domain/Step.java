package io.ulidmesh.migration.domain;

/** The operations that change a migration's state. */
public enum Step {
    EXPAND, BACKFILL, PAUSE, RESUME, VALIDATE, CONTRACT, ROLLBACK;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
