package io.ulidmesh.flags.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.ulidmesh.proto.flagd.sync.v1.SyncFlagsResponse;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One SyncFlags stream: the full set first, then the full set again after each revision. A slow
 * reader gets back-pressure instead of a growing buffer: while its transport is not ready nothing
 * is queued, and when it is ready again it gets only the latest document, so revisions in between
 * are coalesced. Every call on the observer runs on the call's event loop ({@link CallEventLoop}):
 * other threads only ask for a drain there, so this class holds no lock a publisher could wait on.
 */
final class SyncStream {
    private final ServerCallStreamObserver<SyncFlagsResponse> observer;
    private final SyncDocuments documents;
    private final Executor eventLoop;
    private final AtomicBoolean drainAsked = new AtomicBoolean();
    private volatile boolean closed;
    /** The last document sent; read and written on the event loop only. */
    private SyncDocuments.Document sent;

    SyncStream(ServerCallStreamObserver<SyncFlagsResponse> observer, SyncDocuments documents, Executor eventLoop) {
        this.observer = observer;
        this.documents = documents;
        this.eventLoop = eventLoop;
    }

    /** From any thread: a newer document may exist, or the reader may take more; at most one drain is pending. */
    void changed() {
        if (!closed && drainAsked.compareAndSet(false, true)) {
            eventLoop.execute(() -> {
                drainAsked.set(false);
                drain();
            });
        }
    }

    private void drain() {
        while (!closed && observer.isReady()) {
            SyncDocuments.Document document = documents.current();
            if (document == sent) {
                return;
            }
            observer.onNext(document.response());
            sent = document;
        }
    }

    /** The client went away. */
    void close() {
        closed = true;
    }
}
