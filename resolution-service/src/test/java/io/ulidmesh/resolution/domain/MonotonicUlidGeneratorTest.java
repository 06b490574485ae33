package io.ulidmesh.resolution.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.ulid.Ulid;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MonotonicUlidGeneratorTest {

    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void batchesAreStrictlyIncreasingWithinAndAcrossCalls() {
        MonotonicUlidGenerator generator = new MonotonicUlidGenerator(new HandClock(), new Random(1));
        List<Ulid> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.addAll(List.of(generator.next(1000)));
            all.add(generator.next());
        }
        assertStrictlyIncreasing(all);
    }

    @Test
    void aClockSteppingBackKeepsTheLastTimeAndCountsUp() {
        HandClock clock = new HandClock();
        MonotonicUlidGenerator generator = new MonotonicUlidGenerator(clock, new Random(2));
        Ulid before = generator.next();
        clock.millis.addAndGet(-60_000); // an NTP step of one minute back
        Ulid[] during = generator.next(3);
        assertThat(during[0]).isGreaterThan(before);
        assertThat(during[0].getTime()).isEqualTo(before.getTime());
        assertThat(during[0]).isEqualTo(before.increment());
        clock.millis.addAndGet(60_001); // the clock catches up: fresh time, still later
        Ulid after = generator.next();
        assertThat(after.getTime()).isEqualTo(before.getTime() + 1);
        assertThat(after).isGreaterThan(during[2]);
    }

    @Test
    void theListenerHearsEveryUlidEachIncrementAndEachStepBackOfTheClock() {
        HandClock clock = new HandClock();
        long[] counts = new long[3]; // generated, increments, steps back
        MonotonicUlidGenerator generator = new MonotonicUlidGenerator(clock, new Random(3), (count, increments, back) -> {
            counts[0] += count;
            counts[1] += increments;
            counts[2] += back ? 1 : 0;
        });
        generator.next(5);              // a fresh millisecond: 4 increments after the first
        generator.next();               // same millisecond: 1 increment
        clock.millis.addAndGet(1);
        generator.next();               // a fresh millisecond: none
        clock.millis.addAndGet(-1_000); // the clock steps back once ...
        generator.next(2);              // ... 2 increments
        generator.next();               // still behind, but no new step: 1 increment
        assertThat(counts).containsExactly(10, 8, 1);
    }

    @Test
    void manyThreadsNeverGetTheSameOrAnOutOfOrderUlid() throws InterruptedException {
        MonotonicUlidGenerator generator = new MonotonicUlidGenerator(Clock.systemUTC());
        ConcurrentLinkedQueue<List<Ulid>> batches = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    batches.add(List.of(generator.next(100)));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        List<Ulid> all = new ArrayList<>();
        for (List<Ulid> batch : batches) {
            assertStrictlyIncreasing(batch);
            all.addAll(batch);
        }
        assertThat(all).hasSize(8 * 200 * 100).doesNotHaveDuplicates();
    }

    private static void assertStrictlyIncreasing(List<Ulid> ulids) {
        List<Ulid> sorted = new ArrayList<>(ulids);
        Collections.sort(sorted);
        assertThat(ulids).isEqualTo(sorted).doesNotHaveDuplicates();
    }
}
