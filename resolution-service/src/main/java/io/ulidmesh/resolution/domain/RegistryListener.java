package io.ulidmesh.resolution.domain;

/** What the registry reports for metrics. */
public interface RegistryListener {

    /** Registration outcomes of one call; {@code collisions} are ULIDs claimed with other content. */
    void registrations(long registered, long unchanged, long collisions, long refused);

    /** One Resolve or one ULID of BatchResolve/Trace looked up in the cache. */
    void cacheLookups(long hits, long misses);

    /** The registry holds exactly {@code references} (just counted in the database). */
    void counted(long references);

    /** Export read {@code references} from the database for a caller. */
    void exported(int references);
}
