package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WatchRollout's feed: replay from a sequence, then each ring reads on after the last event, with no gap and no repeat. */
class EventFeedTest {
    final Controller c = new Controller();
    final EventWakeups wakeups = new EventWakeups();
    final EventFeed feed = new EventFeed(c.queries, wakeups, 2);

    @AfterEach
    void stop() {
        feed.stop();
    }

    @Test
    void replaysAfterTheSequenceThenHandsOutEachRungEventOnce() throws Exception {
        String id = c.actions.create("name: fed\nphases: [ { name: x } ]\n", false, "alice").id();
        c.store.event(id, EventType.SIGNAL_NO_DATA, "x", "two", "test");
        c.store.event(id, EventType.SIGNAL_NO_DATA, "x", "three", "test");
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (EventFeed.Watch w = feed.watch(id, 1, EventFeed.each(e -> seen.add(e.sequence()), e -> { }))) {
            await(() -> seen.size() == 2);
            for (int i = 0; i < 50; i++) {
                c.store.event(id, EventType.SIGNAL_NO_DATA, "x", "live " + i, "test");
                wakeups.ring(id);
                wakeups.ring(id); // a ring too many costs a read, never a repeat
            }
            await(() -> seen.size() == 52);
            TimeUnit.MILLISECONDS.sleep(50);
            assertThat(seen).hasSize(52).isSorted().doesNotHaveDuplicates().startsWith(2L, 3L).endsWith(53L);
        }
        assertThat(wakeups.watchers()).isZero();
    }

    @Test
    void anEventCommittedWithoutARingArrivesWithTheNextRing() throws Exception {
        String id = c.actions.create("name: late\nphases: [ { name: x } ]\n", false, "alice").id();
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (EventFeed.Watch w = feed.watch(id, 0, EventFeed.each(e -> seen.add(e.sequence()), e -> { }))) {
            await(() -> seen.size() == 1);
            c.store.event(id, EventType.SIGNAL_NO_DATA, "x", "lost ring", "test");
            c.store.event(id, EventType.SIGNAL_NO_DATA, "x", "rung", "test");
            wakeups.ringAll(); // as after a reconnect of the listener
            await(() -> seen.size() == 3);
            assertThat(seen).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aClosedWatchGetsNothingMoreAndOtherRolloutsRingsAreNotItsOwn() throws Exception {
        String id = c.actions.create("name: closed\nphases: [ { name: x } ]\n", false, "alice").id();
        String other = c.actions.create("name: other\nphases: [ { name: x } ]\n", false, "alice").id();
        List<Long> seen = new CopyOnWriteArrayList<>();
        EventFeed.Watch w = feed.watch(id, 0, EventFeed.each(e -> seen.add(e.sequence()), e -> { }));
        await(() -> seen.size() == 1);
        c.store.event(other, EventType.SIGNAL_NO_DATA, "x", "not mine", "test");
        wakeups.ring(other);
        w.close();
        c.store.event(id, EventType.SIGNAL_NO_DATA, "x", "after close", "test");
        wakeups.ring(id);
        TimeUnit.MILLISECONDS.sleep(100);
        assertThat(seen).containsExactly(1L);
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
