package io.ulidmesh.flags.domain;

import java.util.List;

/** The outcome of a write: every flag named, as it is now, in request order, and the commit (null when nothing changed). */
public record Written(List<FlagState> flags, Commit commit) {
    public Written {
        flags = List.copyOf(flags);
    }

    /** The only flag of a single SetFlag. */
    public FlagState flag() {
        return flags.get(0);
    }

    public boolean changed() {
        return commit != null;
    }
}
