package io.ulidmesh.rollout.domain;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * WatchRollout's source: a rollout's events from a sequence on, replayed from the store and then
 * read again at every ring of its bell ({@link EventWakeups}). Every read starts after the last
 * event handed out, so the stream has no gaps and no repeats, whichever replica wrote the events.
 */
public final class EventFeed {
    private final RolloutQueries queries;
    private final EventWakeups wakeups;
    private final ExecutorService readers;

    public EventFeed(RolloutQueries queries, EventWakeups wakeups, int readerThreads) {
        this.queries = queries;
        this.wakeups = wakeups;
        AtomicInteger n = new AtomicInteger();
        this.readers = Executors.newFixedThreadPool(readerThreads, r -> {
            Thread t = new Thread(r, "rollout-watch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Where a watch hands its events, in sequence order, from one thread at a time. */
    public interface Sink {
        void event(RolloutEventRecord e);

        /** Reading failed; the watch has ended. */
        void failed(RuntimeException e);
    }

    /** An open watch; closing it stops the reads. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Hands {@code sink} the events after {@code afterSequence}, then each new one as it is committed, until closed. */
    public Watch watch(String rolloutId, long afterSequence, Sink sink) {
        Watcher w = new Watcher(rolloutId, afterSequence, sink);
        // Registered before the replay is read: an event committed in between rings, and is read then.
        w.registration = wakeups.register(rolloutId, w::wake);
        w.wake();
        return w;
    }

    public void stop() {
        readers.shutdownNow();
    }

    private final class Watcher implements Watch {
        private final String rolloutId;
        private final Sink sink;
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile long after;
        private volatile AutoCloseable registration;

        Watcher(String rolloutId, long after, Sink sink) {
            this.rolloutId = rolloutId;
            this.after = after;
            this.sink = sink;
        }

        /** Schedules a read unless one is queued or running; a ring during a read makes it read once more. */
        void wake() {
            if (!closed.get() && pending.getAndIncrement() == 0) {
                try {
                    readers.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    closed.set(true);
                }
            }
        }

        private void drain() {
            int missed = 1;
            do {
                if (closed.get()) {
                    return;
                }
                try {
                    for (RolloutEventRecord e : queries.eventsAfter(rolloutId, after)) {
                        if (closed.get()) {
                            return;
                        }
                        sink.event(e);
                        after = e.sequence();
                    }
                } catch (RuntimeException e) {
                    // a watch closed meanwhile (the client went away) gets no failure after its end
                    if (closeNow()) {
                        sink.failed(e);
                    }
                    return;
                }
                missed = pending.addAndGet(-missed);
            } while (missed != 0);
        }

        @Override
        public void close() {
            closeNow();
        }

        /** True when this call closed it. */
        private boolean closeNow() {
            if (!closed.compareAndSet(false, true)) {
                return false;
            }
            if (registration != null) {
                try {
                    registration.close();
                } catch (Exception ignored) {
                    // removing a callback from a map does not fail
                }
            }
            return true;
        }
    }

    /** For tests and callers that only count: a sink that hands each event to {@code each}. */
    public static Sink each(Consumer<RolloutEventRecord> each, Consumer<RuntimeException> failed) {
        return new Sink() {
            @Override
            public void event(RolloutEventRecord e) {
                each.accept(e);
            }

            @Override
            public void failed(RuntimeException e) {
                failed.accept(e);
            }
        };
    }
}
