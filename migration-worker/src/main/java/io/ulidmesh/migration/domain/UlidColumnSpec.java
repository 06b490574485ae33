package io.ulidmesh.migration.domain;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.migration.domain.target.TargetName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a migration changes: which table of which target gets which ULID column. Identifiers are plain SQL names checked here for shape and later
 * against the target's catalog; nothing from a request is ever pasted into SQL unquoted.
 */
public record UlidColumnSpec(String name, String target, String table, String keyColumn, String ulidColumn,
                            String legacyColumn, String timestampColumn, int batchSize, int maxRowsPerSecond) {
    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final int MAX_BATCH_SIZE = 50_000;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    public UlidColumnSpec {
        legacyColumn = legacyColumn == null ? "" : legacyColumn;
        timestampColumn = timestampColumn == null ? "" : timestampColumn;
        batchSize = batchSize == 0 ? DEFAULT_BATCH_SIZE : batchSize;
    }

    /** Checks the shape of every field, reporting all problems at once as INVALID_ARGUMENT. */
    public UlidColumnSpec validated() {
        List<String> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name '" + name + "' must match " + NAME.pattern());
        }
        if (target == null || !TargetName.PATTERN.matcher(target).matches()) {
            problems.add("target '" + target + "' must match " + TargetName.PATTERN.pattern());
        }
        identifier(problems, "table", table, true);
        identifier(problems, "key_column", keyColumn, true);
        identifier(problems, "ulid_column", ulidColumn, true);
        identifier(problems, "legacy_column", legacyColumn, false);
        identifier(problems, "timestamp_column", timestampColumn, false);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            problems.add("batch_size " + batchSize + " must be 1.." + MAX_BATCH_SIZE + " (0 means " + DEFAULT_BATCH_SIZE + ")");
        }
        if (maxRowsPerSecond < 0) {
            problems.add("max_rows_per_second " + maxRowsPerSecond + " must be 0 (unthrottled) or positive");
        }
        if (problems.isEmpty()) {
            distinct(problems);
        }
        if (!problems.isEmpty()) {
            throw DomainException.invalid("invalid migration spec: " + String.join("; ", problems));
        }
        return this;
    }

    public boolean hasLegacyColumn() {
        return !legacyColumn.isEmpty();
    }

    public boolean hasTimestampColumn() {
        return !timestampColumn.isEmpty();
    }

    private void distinct(List<String> problems) {
        String key = keyColumn.toLowerCase(Locale.ROOT);
        String ulid = ulidColumn.toLowerCase(Locale.ROOT);
        if (key.equals(ulid)) {
            problems.add("ulid_column '" + ulidColumn + "' must differ from key_column");
        }
        if (hasLegacyColumn()) {
            String legacy = legacyColumn.toLowerCase(Locale.ROOT);
            if (legacy.equals(key)) {
                problems.add("legacy_column '" + legacyColumn + "' must differ from key_column: the archive is keyed by it");
            }
            if (legacy.equals(ulid)) {
                problems.add("legacy_column '" + legacyColumn + "' must differ from ulid_column");
            }
        }
        if (hasTimestampColumn() && timestampColumn.equalsIgnoreCase(ulidColumn)) {
            problems.add("timestamp_column '" + timestampColumn + "' must differ from ulid_column");
        }
    }

    private static void identifier(List<String> problems, String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                problems.add(field + " is required");
            }
            return;
        }
        if (!IDENTIFIER.matcher(value).matches()) {
            problems.add(field + " '" + abbreviate(value) + "' is not a plain SQL identifier (letters, digits, _; at most 63)");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 70 ? text : text.substring(0, 67) + "...";
    }
}
