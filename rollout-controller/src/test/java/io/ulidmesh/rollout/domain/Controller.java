package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.rollout.domain.plan.SignalAllowlist;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** The rollout logic wired as config/RolloutBeans wires it, over in-memory ports; everything runs on the caller's thread. */
final class Controller {
    static final String PROMETHEUS = "http://prometheus:9090";
    final InMemoryRolloutStore store;
    final FakeFlags flags;
    final FakeWorker worker;
    final FakeSignals sources;
    final RecordingMetrics metrics = new RecordingMetrics();
    /** The configured Prometheus, and the health targets the tests' plans and peers use. */
    static final SignalAllowlist ALLOWLIST = new SignalAllowlist(PROMETHEUS, List.of(PROMETHEUS),
            List.of("flags:1", "worker:1", "svc:1", "a:1", "b:1", "c:1"));
    final SignalAllowlist allowlist;
    final AtomicBoolean leader = new AtomicBoolean(true);
    final Plans plans = new Plans();
    final RolloutLog log;
    final SignalMonitor signals;
    final FlagWriter flagWriter;
    final MigrationDriver migrations;
    final RollbackRunner rollback;
    final RolloutDriver driver;
    final OperatorActions actions;
    final RolloutQueries queries;

    Controller() {
        this(new InMemoryRolloutStore(), new FakeFlags(), new FakeWorker(), new FakeSignals(), ALLOWLIST);
    }

    /** A second controller on the same database and peers: a restart, or a standby taking over. */
    Controller(Controller previous) {
        this(previous, previous.allowlist);
    }

    /** A restart with other allowed signal sources. */
    Controller(Controller previous, SignalAllowlist allowlist) {
        this(previous.store, previous.flags, previous.worker, previous.sources, allowlist);
    }

    private Controller(InMemoryRolloutStore store, FakeFlags flags, FakeWorker worker, FakeSignals sources, SignalAllowlist allowlist) {
        this.allowlist = allowlist;
        this.store = store;
        this.flags = flags;
        this.worker = worker;
        this.sources = sources;
        log = new RolloutLog(store, metrics);
        signals = new SignalMonitor(sources, sources, allowlist, store, log, metrics);
        flagWriter = new FlagWriter(flags, store, log);
        migrations = new MigrationDriver(worker, store, log);
        rollback = new RollbackRunner(store, log, plans, flagWriter, migrations, signals, metrics);
        driver = new RolloutDriver(store, log, plans, leader::get, flagWriter, migrations, signals, rollback);
        actions = new OperatorActions(store, log, plans, leader::get, signals, driver, metrics);
        queries = new RolloutQueries(store, plans);
    }

    /** Creates and starts a rollout of {@code yaml} as {@code alice}. */
    RolloutRecord start(String yaml) {
        return actions.create(yaml, true, "alice");
    }

    RolloutRecord get(String id) {
        return store.get(id);
    }

    /** Ticks the engine until the rollout meets {@code done}, for up to 5 s. */
    RolloutRecord tickUntil(String id, Predicate<RolloutRecord> done) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.test(get(id))) {
            assertThat(System.nanoTime()).as("rollout %s reached the condition in time", id).isLessThan(deadline);
            driver.tick();
            LockSupport.parkNanos(20_000_000); // pulls are due once a second, the shortest interval a plan may have
        }
        return get(id);
    }
}
