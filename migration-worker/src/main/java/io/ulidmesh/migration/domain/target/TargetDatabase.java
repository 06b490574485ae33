package io.ulidmesh.migration.domain.target;

/** A database the worker may change; the password never appears here. */
public record TargetDatabase(String name, String jdbcUrl, String username, boolean hasPassword) {

    public Engine engine() {
        return Engine.ofUrl(jdbcUrl);
    }
}
