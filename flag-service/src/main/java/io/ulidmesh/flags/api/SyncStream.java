package io.ulidmesh.flags.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.ulidmesh.flags.domain.ChangeFeed;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;

/**
 * One SyncFlags stream: the full set first, then the full set again after each revision. A slow
 * reader gets back-pressure instead of a growing buffer: while its transport is not ready nothing
 * is queued, and when it is ready again it gets only the latest document, so revisions in between
 * are coalesced. Calls on the observer are serialised by this object's lock.
 */
final class SyncStream {
    private final ServerCallStreamObserver<SyncFlagsResponse> observer;
    private final SyncDocuments documents;
    private ChangeFeed.Subscription subscription;
    private long wanted;
    private long sent = -1;
    private boolean closed;

    SyncStream(ServerCallStreamObserver<SyncFlagsResponse> observer, SyncDocuments documents) {
        this.observer = observer;
        this.documents = documents;
    }

    /** Subscribes first and sends after, so a change made meanwhile is sent again rather than missed. */
    synchronized void start(ChangeFeed.Subscription subscription, long revision) {
        this.subscription = subscription;
        if (closed) {
            subscription.close();
            return;
        }
        want(revision);
    }

    /** A revision was published: send it when the reader can take it. */
    synchronized void want(long revision) {
        wanted = Math.max(wanted, revision);
        drain();
    }

    synchronized void drain() {
        while (!closed && sent < wanted && observer.isReady()) {
            SyncDocuments.Document document = documents.at(wanted);
            observer.onNext(document.response());
            sent = document.revision();
        }
    }

    /** The client went away: stop following the feed. */
    synchronized void close() {
        closed = true;
        if (subscription != null) {
            subscription.close();
        }
    }
}
