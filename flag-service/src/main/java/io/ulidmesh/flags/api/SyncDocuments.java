package io.ulidmesh.flags.api;

import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;

/**
 * The flagd document of this replica's flags, built once per revision and shared by every sync
 * stream, so a change costs one serialisation however many providers follow it.
 */
final class SyncDocuments {
    /** A document and the revision it covers at least. */
    record Document(long revision, SyncFlagsResponse response) {
    }

    private final Flags flags;
    private Document latest;

    SyncDocuments(Flags flags) {
        this.flags = flags;
    }

    /** The current document, rebuilt only when {@code revision} is newer than the one kept. */
    synchronized Document at(long revision) {
        if (latest == null || latest.revision() < revision) {
            long covered = Math.max(revision, flags.published());
            latest = new Document(covered, SyncFlagsResponse.newBuilder()
                    .setFlagConfiguration(FlagdDefinitions.document(flags.all())).build());
        }
        return latest;
    }

    Document current() {
        return at(flags.published());
    }
}
