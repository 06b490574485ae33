package io.ulidmesh.flags.domain;

import java.util.ArrayDeque;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Hands the global change sequence, one whole commit per revision, in revision order, to this
 * replica's watchers. A new watcher
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

    /** Publishes the next commit; callers publish in revision order, older revisions are ignored. */
    public synchronized void publish(Commit commit) {
        if (commit.revision() <= published) {
            return;
        }
        published = commit.revision();
        for (Subscription subscription : subscriptions) {
            subscription.offer(commit);
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
    public Subscription subscribe(long afterRevision, Consumer<Commit> sink) {
        Subscription subscription = new Subscription(afterRevision, sink);
        subscriptions.add(subscription);
        return subscription;
    }

    /** A watcher of the changes published from now on. */
    public synchronized Subscription follow(Consumer<Commit> sink) {
        Subscription subscription = new Subscription(published, sink);
        subscription.goLive();
        subscriptions.add(subscription);
        return subscription;
    }

    /** One watcher's position in the sequence. */
    public final class Subscription {
        private final Consumer<Commit> sink;
        private final ArrayDeque<Commit> buffer = new ArrayDeque<>();
        private long lastSent;
        private boolean live;
        private boolean closed;

        private Subscription(long afterRevision, Consumer<Commit> sink) {
            this.lastSent = afterRevision;
            this.sink = sink;
        }

        private synchronized void offer(Commit commit) {
            if (closed) {
                return;
            }
            if (live) {
                send(commit);
            } else {
                buffer.add(commit);
            }
        }

        /** Sends one replayed commit read from the history. */
        public synchronized void replay(Commit commit) {
            send(commit);
        }

        /** Everything up to {@code revision} is covered (a snapshot taken at that revision was sent). */
        public synchronized void coveredThrough(long revision) {
            lastSent = Math.max(lastSent, revision);
        }

        /** Ends the replay: sends the buffered changes the replay did not cover, then live ones as they come. */
        public synchronized void goLive() {
            for (Commit commit : buffer) {
                send(commit);
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

        private void send(Commit commit) {
            if (!closed && commit.revision() > lastSent) {
                lastSent = commit.revision();
                sink.accept(commit);
            }
        }
    }
}
