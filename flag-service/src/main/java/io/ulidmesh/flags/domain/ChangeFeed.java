package io.ulidmesh.flags.domain;

import java.util.ArrayDeque;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Hands the global change sequence, in revision order, to this replica's watchers. A new watcher
 * subscribes before it reads its replay from the database and buffers live changes meanwhile;
 * going live it drops what the replay already covered, so the handoff misses nothing and repeats
 * nothing.
 */
public final class ChangeFeed {
    private final CopyOnWriteArraySet<Subscription> subscriptions = new CopyOnWriteArraySet<>();
    private long published;

    public ChangeFeed(long head) {
        this.published = head;
    }

    /** Publishes the next change; callers publish in revision order, older revisions are ignored. */
    public synchronized void publish(RecordedChange change) {
        if (change.revision() <= published) {
            return;
        }
        published = change.revision();
        for (Subscription subscription : subscriptions) {
            subscription.offer(change);
        }
    }

    /**
     * Moves the feed to the head of a snapshot read at startup; earlier changes are already in that
     * snapshot, and watchers replay from the database themselves.
     */
    public synchronized void startAt(long head) {
        published = Math.max(published, head);
    }

    /** The last revision published. */
    public synchronized long published() {
        return published;
    }

    /** A watcher that has seen everything up to {@code afterRevision}; it buffers until {@link Subscription#goLive()}. */
    public Subscription subscribe(long afterRevision, Consumer<RecordedChange> sink) {
        Subscription subscription = new Subscription(afterRevision, sink);
        subscriptions.add(subscription);
        return subscription;
    }

    /** A watcher of the changes published from now on. */
    public synchronized Subscription follow(Consumer<RecordedChange> sink) {
        Subscription subscription = new Subscription(published, sink);
        subscription.goLive();
        subscriptions.add(subscription);
        return subscription;
    }

    /** One watcher's position in the sequence. */
    public final class Subscription {
        private final Consumer<RecordedChange> sink;
        private final ArrayDeque<RecordedChange> buffer = new ArrayDeque<>();
        private long lastSent;
        private boolean live;
        private boolean closed;

        private Subscription(long afterRevision, Consumer<RecordedChange> sink) {
            this.lastSent = afterRevision;
            this.sink = sink;
        }

        private synchronized void offer(RecordedChange change) {
            if (closed) {
                return;
            }
            if (live) {
                send(change);
            } else {
                buffer.add(change);
            }
        }

        /** Sends one replayed change read from the history. */
        public synchronized void replay(RecordedChange change) {
            send(change);
        }

        /** Everything up to {@code revision} is covered (a snapshot taken at that revision was sent). */
        public synchronized void coveredThrough(long revision) {
            lastSent = Math.max(lastSent, revision);
        }

        /** Ends the replay: sends the buffered changes the replay did not cover, then live ones as they come. */
        public synchronized void goLive() {
            for (RecordedChange change : buffer) {
                send(change);
            }
            buffer.clear();
            live = true;
        }

        public synchronized long lastSent() {
            return lastSent;
        }

        public void close() {
            synchronized (this) {
                closed = true;
                buffer.clear();
            }
            subscriptions.remove(this);
        }

        private void send(RecordedChange change) {
            if (!closed && change.revision() > lastSent) {
                lastSent = change.revision();
                sink.accept(change);
            }
        }
    }
}
