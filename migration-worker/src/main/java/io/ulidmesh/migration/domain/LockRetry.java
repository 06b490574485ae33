package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableRef;
import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetSession;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Runs a step's SQL group again when the target gave up waiting for a lock (PostgreSQL's
 * lock_timeout, SQLSTATE 55P03): exponential backoff from {@link #FIRST_WAIT} doubling up to
 * {@link #LONGEST_WAIT}, each wait drawn from 50-100 % of that (jitter, so two workers do not retry in
 * step), until {@code bound} is spent. Then the failure names the sessions holding a lock on the
 * table, so the operator knows whom to ask. Each wait is reported to the listener.
 */
public class LockRetry {
    private static final Logger LOG = Logger.getLogger(LockRetry.class);
    static final Duration FIRST_WAIT = Duration.ofMillis(100);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

    /** Sleeps; a test may count instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final Duration bound;
    private final MigrationListener listener;
    private final Random random;
    private final LongSupplier clock;
    private final Sleeper sleeper;

    public LockRetry(Duration bound, MigrationListener listener) {
        this(bound, listener, new Random(), System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    LockRetry(Duration bound, MigrationListener listener, Random random, LongSupplier clock, Sleeper sleeper) {
        this.bound = bound;
        this.listener = listener;
        this.random = random;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public void run(String id, String target, TableRef t, TargetSession session, SqlGroup group, Consumer<String> log)
            throws InterruptedException {
        long start = clock.getAsLong();
        long backoff = FIRST_WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                session.run(group, log);
                return;
            } catch (TargetFailure e) {
                if (!e.lockNotGranted()) {
                    throw e;
                }
                long left = bound.toNanos() - (clock.getAsLong() - start);
                if (left <= 0) {
                    List<String> holders = session.lockHolders(t);
                    throw new TargetFailure("the lock on table '" + t.table() + "' for \"" + group.purpose() + "\" was not granted within"
                            + " lock_timeout in " + attempt + " attempts over " + bound.toSeconds() + " s (the retry bound); held by "
                            + (holders.isEmpty() ? "no session any more" : String.join(", ", holders))
                            + "; end or wait for that session and run the step again", e.getCause(), TargetFailure.Transience.LOCK_NOT_GRANTED);
                }
                long wait = Math.min(left, backoff / 2 + (long) (random.nextDouble() * (backoff / 2)));
                listener.lockWaited(target, wait);
                LOG.infof("migration %s: \"%s\" did not get its lock on %s within lock_timeout (attempt %d); retrying in %d ms",
                        id, group.purpose(), t.table(), attempt, wait / 1_000_000);
                sleeper.sleep(wait);
                backoff = Math.min(backoff * 2, LONGEST_WAIT.toNanos());
            }
        }
    }
}
