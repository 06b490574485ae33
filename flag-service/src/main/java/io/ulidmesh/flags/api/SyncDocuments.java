package io.ulidmesh.flags.api;

import io.ulidmesh.flags.domain.FlagTable;
import io.ulidmesh.flags.domain.Flags;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The flagd document of this replica's flags, built once per state of its table and shared by every
 * sync stream, so a change costs one serialisation however many providers follow it. It follows
 * the change feed once for all streams: on each commit it builds the document on the publishing
 * thread and then only asks each stream to drain on its own event loop; readers take the latest
 * document without a lock.
 */
final class SyncDocuments {
    /** A document and the table it was built from. */
    record Document(FlagTable.View view, SyncFlagsResponse response) {
    }

    private final Flags flags;
    private final AtomicReference<Document> latest = new AtomicReference<>();
    private final Set<SyncStream> streams = ConcurrentHashMap.newKeySet();

    SyncDocuments(Flags flags) {
        this.flags = flags;
        flags.follow(commit -> {
            current();
            streams.forEach(SyncStream::changed);
        });
    }

    /** Starts sending to {@code stream}: the current document, then each newer one. */
    void add(SyncStream stream) {
        streams.add(stream);
        stream.changed();
    }

    void remove(SyncStream stream) {
        streams.remove(stream);
    }

    /**
     * The document of the table as it is now (so a write through this replica shows at once). The
     * table is read after the kept document, so it is never older than the kept one's, and a
     * document only replaces the one it was built to follow: the latest never goes back.
     */
    Document current() {
        while (true) {
            Document kept = latest.get();
            FlagTable.View view = flags.view();
            if (kept != null && kept.view() == view) {
                return kept;
            }
            Document built = new Document(view, SyncFlagsResponse.newBuilder()
                    .setFlagConfiguration(FlagdDefinitions.document(view.all())).build());
            if (latest.compareAndSet(kept, built)) {
                return built;
            }
        }
    }
}
