package io.ulidmesh.rollout.domain;

import java.util.concurrent.atomic.AtomicBoolean;

/** The rollout logic wired as config/RolloutBeans wires it, over in-memory ports; everything runs on the caller's thread. */
final class Controller {
    final InMemoryRolloutStore store;
    final FakeFlags flags;
    final FakeWorker worker;
    final FakeSignals sources;
    final RecordingMetrics metrics = new RecordingMetrics();
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
        this(new InMemoryRolloutStore(), new FakeFlags(), new FakeWorker(), new FakeSignals());
    }

    /** A second controller on the same database and peers: a restart, or a standby taking over. */
    Controller(Controller previous) {
        this(previous.store, previous.flags, previous.worker, previous.sources);
    }

    private Controller(InMemoryRolloutStore store, FakeFlags flags, FakeWorker worker, FakeSignals sources) {
        this.store = store;
        this.flags = flags;
        this.worker = worker;
        this.sources = sources;
        log = new RolloutLog(store, metrics);
        signals = new SignalMonitor(sources, sources, store, log, metrics);
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
}
