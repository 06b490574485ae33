package io.ulidmesh.rollout.domain.plan;

import java.util.Locale;

/** Steps of a migration, in the only order the worker accepts them. */
public enum MigrationStep {
    EXPAND, BACKFILL, VALIDATE, CONTRACT;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MigrationStep of(String text) {
        for (MigrationStep s : values()) {
            if (s.text().equals(text)) {
                return s;
            }
        }
        return null;
    }
}
