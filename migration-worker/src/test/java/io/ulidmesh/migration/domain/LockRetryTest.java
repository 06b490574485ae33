package io.ulidmesh.migration.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.migration.domain.target.KeyKind;
import io.ulidmesh.migration.domain.target.SqlGroup;
import io.ulidmesh.migration.domain.target.TableRef;
import io.ulidmesh.migration.domain.target.TargetFailure;
import io.ulidmesh.migration.domain.target.TargetSession;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lock-wait retries on a fake clock: backoff doubles with jitter, the bound holds, the failure names the holder. */
class LockRetryTest {
    private static final TableRef JOBS = new TableRef("jobs", "id", KeyKind.INTEGER, "job_ulid", "", "", false, "", "01J00000000000000000000000");
    private static final SqlGroup GROUP = SqlGroup.tx("add the ULID column", "ALTER TABLE jobs ADD COLUMN job_ulid text");

    private final AtomicLong now = new AtomicLong();
    private final List<Long> waits = new ArrayList<>();
    private final Worker.Meters meters = new Worker.Meters();

    private LockRetry retry(Duration bound) {
        return new LockRetry(bound, meters, new Random(7), now::get, nanos -> {
            waits.add(nanos);
            now.addAndGet(nanos);
        });
    }

    /** A session whose first {@code refusals} runs give up on the lock. */
    private static TargetSession session(int refusals, AtomicInteger runs) {
        return (TargetSession) Proxy.newProxyInstance(TargetSession.class.getClassLoader(), new Class<?>[] {TargetSession.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "run" -> {
                        if (runs.incrementAndGet() <= refusals) {
                            throw new TargetFailure("a lock was not granted", new SQLException("canceling statement due to lock timeout", "55P03"),
                                    TargetFailure.Transience.LOCK_NOT_GRANTED);
                        }
                        yield null;
                    }
                    case "lockHolders" -> List.of("session pid 4242 (query started 2026-11-30T19:00:00Z, state idle in transaction)");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void retriesWithGrowingJitteredWaitsUntilTheLockIsGranted() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        retry(Duration.ofMinutes(1)).run("m", "pg", JOBS, session(5, runs), GROUP, sql -> { });
        assertThat(runs).hasValue(6);
        assertThat(waits).hasSize(5);
        long expected = LockRetry.FIRST_WAIT.toNanos();
        for (long wait : waits) {
            assertThat(wait).as("50-100 %% of the backoff %d", expected).isBetween(expected / 2, expected);
            expected = Math.min(expected * 2, LockRetry.LONGEST_WAIT.toNanos());
        }
        assertThat(meters.steps).containsEntry("lock wait", 5);
    }

    @Test
    void whenTheBoundIsSpentTheFailureNamesTheSessionHoldingTheLock() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> retry(Duration.ofSeconds(5)).run("m", "pg", JOBS, session(Integer.MAX_VALUE, runs), GROUP, sql -> { }))
                .isInstanceOf(TargetFailure.class)
                .hasMessageContaining("lock on table 'jobs'")
                .hasMessageContaining("session pid 4242 (query started 2026-11-30T19:00:00Z, state idle in transaction)")
                .hasMessageContaining("over 5 s");
        assertThat(now.get()).as("never waits past the bound").isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(waits.stream().mapToLong(Long::longValue).max().orElseThrow()).isLessThanOrEqualTo(LockRetry.LONGEST_WAIT.toNanos());
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger runs = new AtomicInteger();
        TargetSession failing = (TargetSession) Proxy.newProxyInstance(TargetSession.class.getClassLoader(), new Class<?>[] {TargetSession.class},
                (proxy, method, args) -> {
                    runs.incrementAndGet();
                    throw new TargetFailure("duplicate values", new SQLException("dup", "23505"));
                });
        assertThatThrownBy(() -> retry(Duration.ofMinutes(1)).run("m", "pg", JOBS, failing, GROUP, sql -> { }))
                .hasMessage("duplicate values");
        assertThat(runs).hasValue(1);
        assertThat(waits).isEmpty();
    }
}
