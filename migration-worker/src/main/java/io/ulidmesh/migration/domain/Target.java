package io.ulidmesh.migration.domain;

/** A database the worker may change; the password never appears here. */
public record Target(String name, String jdbcUrl, String username, boolean hasPassword) {
}
