package io.ulidmesh.migration.domain.target;

/** The port to target databases: their SQL and connections to them (the store implements it per engine). */
public interface TargetDatabases {
    TargetSql sql(Engine engine);

    /** Connects with the engine's settings; UNAVAILABLE when the target cannot be reached. */
    TargetSession open(TargetDatabase target, String password);
}
