package io.ulidmesh.flags.domain;

import java.util.List;

/**
 * One revision of the global change sequence: the changes one write committed together, one per
 * flag (a SetFlags changes several). Watchers get a commit whole, so no reader sees half of it.
 */
public record Commit(long revision, List<RecordedChange> changes) {
    public Commit {
        changes = List.copyOf(changes);
    }

    public static Commit of(RecordedChange change) {
        return new Commit(change.revision(), List.of(change));
    }
}
