package io.ulidmesh.migration.domain.target;

/** How the backfill binds key values: the key column is an integer or a text type. */
public enum KeyKind {
    INTEGER, TEXT;

    /** The key as JDBC gives it back, read from a checkpoint's text form. */
    public Object parse(String text) {
        return this == INTEGER ? Long.valueOf(text) : text;
    }
}
