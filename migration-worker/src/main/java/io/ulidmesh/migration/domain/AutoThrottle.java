package io.ulidmesh.migration.domain;

import io.ulidmesh.migration.domain.target.TargetSession;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Holds a backfill back while the database is under strain (gh-ost's throttle): while a PromQL
 * expression's value (e.g. replication lag, WAL rate) is over its limit, or the target's own
 * replication replay lag is. Checked before a batch at most every {@code checkInterval}; while
 * over, the backfill waits in steps of that interval and each second waited is counted. A query
 * that fails does not hold the backfill back (it is logged): a dead Prometheus must not stop every
 * migration.
 */
public final class AutoThrottle {
    private static final Logger LOG = Logger.getLogger(AutoThrottle.class);
    /** Throttling off. */
    public static final AutoThrottle NONE = new AutoThrottle(null, 0, null, Duration.ofSeconds(1), null);

    /** A PromQL query's value: the largest sample of the result; empty when it has none. */
    @FunctionalInterface
    public interface Query {
        OptionalDouble value() throws Exception;
    }

    private final Query promql;
    private final double promqlLimit;
    private final Duration maxReplicationLag;
    private final Duration checkInterval;
    private final MigrationListener listener;

    /** {@code promql} or {@code maxReplicationLag} null: that signal is not watched. */
    public AutoThrottle(Query promql, double promqlLimit, Duration maxReplicationLag, Duration checkInterval, MigrationListener listener) {
        this.promql = promql;
        this.promqlLimit = promqlLimit;
        this.maxReplicationLag = maxReplicationLag;
        this.checkInterval = checkInterval;
        this.listener = listener;
    }

    public boolean enabled() {
        return promql != null || maxReplicationLag != null;
    }

    /** A backfill's view: remembers when it last looked, so the signals are read at most once per interval. */
    final class Gate {
        private long nextCheck;

        /** Returns once no signal is over its limit, or false when {@code stop} came first. */
        boolean pass(String id, String target, TargetSession session, CountDownLatch stop) throws InterruptedException {
            if (!enabled() || System.nanoTime() < nextCheck) {
                return true;
            }
            Optional<String> over = overLimit(id, session);
            if (over.isPresent()) {
                LOG.infof("migration %s backfill throttled: %s", id, over.get());
                long waited = 0;
                while (over.isPresent()) {
                    if (stop.await(checkInterval.toNanos(), TimeUnit.NANOSECONDS)) {
                        return false;
                    }
                    listener.throttled(target, checkInterval.toNanos());
                    waited += checkInterval.toNanos();
                    over = overLimit(id, session);
                }
                LOG.infof("migration %s backfill goes on after %.1f s throttled", id, waited / 1e9);
            }
            nextCheck = System.nanoTime() + checkInterval.toNanos();
            return true;
        }
    }

    Gate gate() {
        return new Gate();
    }

    private Optional<String> overLimit(String id, TargetSession session) {
        if (promql != null) {
            try {
                OptionalDouble value = promql.value();
                if (value.isPresent() && value.getAsDouble() > promqlLimit) {
                    return Optional.of("the PromQL expression is at " + value.getAsDouble() + ", over its limit " + promqlLimit);
                }
            } catch (Exception e) {
                LOG.warnf("migration %s: the auto-throttle's PromQL query failed, not throttling: %s", id, e.getMessage());
            }
        }
        if (maxReplicationLag != null) {
            try {
                double lag = session.replicationLagSeconds();
                if (lag > maxReplicationLag.toMillis() / 1000.0) {
                    return Optional.of("the target's replication replay lag is " + lag + " s, over " + maxReplicationLag.toMillis() / 1000.0 + " s");
                }
            } catch (RuntimeException e) {
                LOG.warnf("migration %s: reading the target's replication lag failed, not throttling: %s", id, e.getMessage());
            }
        }
        return Optional.empty();
    }
}
