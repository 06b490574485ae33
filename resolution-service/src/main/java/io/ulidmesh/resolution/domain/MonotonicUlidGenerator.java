package io.ulidmesh.resolution.domain;

import com.github.f4b6a3.ulid.Ulid;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;

/**
 * Strictly increasing ULIDs for one service instance, safe from any number of threads.
 *
 * <p>When the clock's millisecond is past the last ULID's, the next ULID takes that millisecond and
 * fresh random bits (the top random bit cleared, leaving 2^79 increments of headroom); otherwise the
 * last ULID plus one. So when the clock steps back, ULIDs keep the last time issued and count up
 * until the clock catches up: they never go backwards and never repeat. A batch is reserved under
 * the lock as a range and spelled out outside it.
 */
public final class MonotonicUlidGenerator {
    private final Clock clock;
    private final Random random;
    private final GenerationListener listener;
    private Ulid last = new Ulid(0, 0);
    private long lastReading = Long.MIN_VALUE;

    public MonotonicUlidGenerator(Clock clock) {
        this(clock, GenerationListener.NONE);
    }

    public MonotonicUlidGenerator(Clock clock, GenerationListener listener) {
        this(clock, new SecureRandom(), listener);
    }

    MonotonicUlidGenerator(Clock clock, Random random) {
        this(clock, random, GenerationListener.NONE);
    }

    MonotonicUlidGenerator(Clock clock, Random random, GenerationListener listener) {
        this.clock = clock;
        this.random = random;
        this.listener = listener;
    }

    public Ulid next() {
        return reserve(1);
    }

    /** {@code count} strictly increasing ULIDs, all greater than every ULID issued before. */
    public Ulid[] next(int count) {
        Ulid first = reserve(count);
        Ulid[] out = new Ulid[count];
        long msb = first.getMostSignificantBits();
        long lsb = first.getLeastSignificantBits();
        for (int i = 0; i < count; i++) {
            out[i] = new Ulid(msb, lsb);
            lsb++;
            if (lsb == 0) {
                msb++;
            }
        }
        return out;
    }

    /** Reserves {@code count} consecutive ULIDs and returns the first. */
    private synchronized Ulid reserve(int count) {
        long now = clock.millis();
        boolean steppedBack = now < lastReading;
        lastReading = now;
        Ulid first;
        int increments;
        if (now > last.getTime()) {
            long randomHigh = random.nextInt(1 << 15); // 16 random bits in the msb, top one clear
            first = new Ulid((now << 16) | randomHigh, random.nextLong());
            increments = count - 1;
        } else {
            first = last.increment();
            increments = count;
        }
        last = plus(first, count - 1);
        listener.generated(count, increments, steppedBack);
        return first;
    }

    private static Ulid plus(Ulid ulid, long n) {
        long lsb = ulid.getLeastSignificantBits();
        long sum = lsb + n;
        long carry = Long.compareUnsigned(sum, lsb) < 0 ? 1 : 0;
        return new Ulid(ulid.getMostSignificantBits() + carry, sum);
    }
}
