package io.ulidmesh.migration.domain.target;

/**
 * A column as the target's catalog describes it: {@code type} classifies it (lower case),
 * {@code declaration} is what re-creates it (e.g. {@code character varying(64)}).
 */
public record Column(String name, String type, String declaration, boolean notNull) {
}
