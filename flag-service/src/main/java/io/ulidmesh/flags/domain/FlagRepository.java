package io.ulidmesh.flags.domain;

import java.util.List;
import java.util.Optional;

/** Durable flag state and its history; each write and its history entry commit together. */
public interface FlagRepository {
    /**
     * Creates or updates every flag in one transaction under one revision; CONFLICT on any stale
     * expected version, and then nothing changes. Flags the commands leave as they are record nothing.
     */
    Written set(List<SetFlagCommand> commands, String actor);

    /** Deletes; NOT_FOUND when absent, CONFLICT on a stale expected version. */
    RecordedChange delete(String name, long expectedVersion, String reason, String actor);

    Optional<FlagState> find(String name);

    /** Flags with names after {@code afterName} (empty: from the start), by name. */
    List<FlagState> list(String afterName, int limit);

    /** The flag's changes with revision below {@code beforeRevision}, newest first, with their before state. */
    List<RecordedChange> history(String name, long beforeRevision, int limit);

    /** At most {@code limit} whole commits after {@code afterRevision}, oldest first, without the before state. */
    List<Commit> commitsAfter(long afterRevision, int limit);

    Snapshot snapshot();

    /** The latest revision of the change sequence; 0 before the first change. */
    long head();
}
