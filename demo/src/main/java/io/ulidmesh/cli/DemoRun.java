package io.ulidmesh.cli;

import io.grpc.stub.StreamObserver;
import io.ulidmesh.proto.rollout.v1.GetRolloutRequest;
import io.ulidmesh.proto.rollout.v1.Phase;
import io.ulidmesh.proto.rollout.v1.PhaseMigration;
import io.ulidmesh.proto.rollout.v1.Rollout;
import io.ulidmesh.proto.rollout.v1.RolloutActionRequest;
import io.ulidmesh.proto.rollout.v1.RolloutEvent;
import io.ulidmesh.proto.rollout.v1.RolloutState;
import io.ulidmesh.proto.rollout.v1.WatchRolloutRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Drives one rollout of the demo's plan from its events (WatchRollout): stops each DuckDB table's old-code
 * writer a phase ahead of its migration, injects the fault when the fault phase bakes and times the
 * controller's rollback, clears the fault and resumes, and signs off the manual gate with
 * PromoteRollout once its bake is over. Ends when the rollout is COMPLETED, ABORTED or FAILED, or
 * rolled back by anything but the fault.
 */
final class DemoRun {
    static final double FAULT_VALUE = 7.5;
    static final String FAULT_SIGNAL = "resolution_error_rate";
    static final String FAULT_SYSTEM = "crackerjack";

    /** The rollback the fault caused. */
    record Rollback(String phase, long detectionToRollbackMillis, String reason, String resumeReason) {
    }

    private final Mesh admin;
    private final DemoTraffic traffic;
    private final DemoPlan plan;
    private final String faultPhase;
    private final PrintWriter say;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final List<RolloutEvent> seen = new ArrayList<>();
    final Map<String, Integer> attempts = new HashMap<>();
    Rollback rollback;
    String unexpected;
    private Rollout rollout;

    DemoRun(Mesh admin, DemoTraffic traffic, DemoPlan plan, String faultPhase, PrintWriter say) {
        this.admin = admin;
        this.traffic = traffic;
        this.plan = plan;
        this.faultPhase = faultPhase;
        this.say = say;
    }

    /** Follows a rollout created by another run object (the first one only read the plan's phases). */
    void adopt(Rollout created) {
        rollout = created;
    }

    long planBake(String phase) {
        return plan.bakeMillis.getOrDefault(phase, 0L);
    }

    /** Starts the rollout and follows it to its end; returns the final rollout. */
    Rollout run(long timeoutMillis) throws InterruptedException {
        String id = rollout.getId();
        admin.controllerStream().watchRollout(WatchRolloutRequest.newBuilder().setId(id).build(), new StreamObserver<>() {
            @Override
            public void onNext(RolloutEvent e) {
                events.add(e);
            }

            @Override
            public void onError(Throwable t) {
                events.add(t);
            }

            @Override
            public void onCompleted() {
                events.add("end");
            }
        });
        admin.controller().startRollout(RolloutActionRequest.newBuilder().setId(id).setReason("ulidmesh demo").build());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long promoteAt = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= promoteAt) {
                promoteAt = Long.MAX_VALUE;
                say.println("demo: sign-off of the last phase (\"Approved to proceed\"): PromoteRollout");
                admin.controller().promoteRollout(RolloutActionRequest.newBuilder().setId(id)
                        .setReason("sign-off: Approved to proceed (ulidmesh demo)").build());
            }
            Object next = events.poll(100, TimeUnit.MILLISECONDS);
            if (next == null) {
                continue;
            }
            if (!(next instanceof RolloutEvent e)) {
                // The stream ended or broke: read the rollout and stop if it has ended.
                Rollout now = get(id);
                if (ended(now.getState())) {
                    return now;
                }
                throw new IllegalStateException("the rollout's event stream ended while it is " + now.getState()
                        + (next instanceof Throwable t ? ": " + t.getMessage() : ""));
            }
            seen.add(e);
            int index = phaseIndex(e.getPhase());
            switch (e.getType()) {
                case EVENT_PHASE_STARTED -> {
                    attempts.merge(e.getPhase(), 1, Integer::sum);
                    stopWriters(index);
                }
                case EVENT_PHASE_BAKING -> {
                    stopWriters(index + 1);
                    Phase p = rollout.getPhases(index);
                    if (e.getPhase().equals(faultPhase) && rollback == null) {
                        injectFault(id, e.getPhase());
                    } else if (p.getManualGate()) {
                        promoteAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(p.getBakeSeconds() > 0
                                ? plan.bakeMillis.getOrDefault(p.getName(), 1000L) : 0);
                    }
                }
                case EVENT_ROLLBACK_STARTED -> {
                    if (rollback == null || attempts.getOrDefault(rollback.phase(), 0) > 1) {
                        unexpected = "rolled back by something other than the demo's fault: " + e.getMessage();
                    }
                }
                case EVENT_COMPLETED, EVENT_ABORTED, EVENT_FAILED -> {
                    return get(id);
                }
                default -> {
                }
            }
            if (unexpected != null) {
                Rollout now = waitUntilSettled(id);
                say.println("demo: " + unexpected);
                return now;
            }
        }
        throw new IllegalStateException("the rollout did not end within " + timeoutMillis / 1000 + " s");
    }

    /** The fault: one system reports an error-rate spike; the controller rolls back by itself. Then clear and resume. */
    private void injectFault(String id, String phase) throws InterruptedException {
        say.printf("demo: FAULT: %s reports %s = %s during %s%n", FAULT_SYSTEM, FAULT_SIGNAL, FAULT_VALUE, phase);
        long t0 = System.nanoTime();
        traffic.fault(FAULT_VALUE);
        traffic.send(id, FAULT_SIGNAL, FAULT_VALUE, FAULT_SYSTEM);
        Rollout now = get(id);
        while (now.getState() != RolloutState.ROLLED_BACK && !ended(now.getState())) {
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                throw new IllegalStateException("no rollback 60 s after the fault; the rollout is " + now.getState());
            }
            Thread.sleep(20);
            now = get(id);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (now.getState() != RolloutState.ROLLED_BACK) {
            throw new IllegalStateException("after the fault the rollout is " + now.getState() + ": " + now.getLastReason());
        }
        say.printf("demo: the controller rolled %s back by itself, %d ms after the report: %s%n", phase, millis, now.getLastReason());
        traffic.clearFault();
        traffic.send(id, FAULT_SIGNAL, 0, FAULT_SYSTEM);
        Thread.sleep(Math.min(plan.intervalMillis, 1000));
        String reason = "fault cleared: " + FAULT_SYSTEM + "'s " + FAULT_SIGNAL + " back to 0; retrying " + phase;
        say.println("demo: " + reason + " (ResumeRollout)");
        admin.controller().resumeRollout(RolloutActionRequest.newBuilder().setId(id).setReason(reason).build());
        rollback = new Rollback(phase, millis, now.getLastReason(), reason);
    }

    /**
     * Stops the old-code writers of the phase's DuckDB tables: DuckDB lets one process at a time open
     * a file for writing, and the worker needs it for the migration. Writers of SQLite and PostgreSQL
     * tables go on; Expand's write-sync trigger gives their rows ULIDs (docs/migrations.md).
     */
    private void stopWriters(int index) {
        if (index < 0 || index >= rollout.getPhasesCount()) {
            return;
        }
        for (PhaseMigration m : rollout.getPhases(index).getMigrationsList()) {
            if (traffic.writing(m.getTable()) && traffic.isDuckDb(m.getTable())) {
                traffic.stopWriter(m.getTable());
                say.printf("demo: old-code writer of %s.%s stopped before %s (DuckDB opens a file for one writing process;"
                        + " the other tables' writers go on)%n", m.getTarget(), m.getTable(), rollout.getPhases(index).getName());
            }
        }
    }

    private int phaseIndex(String name) {
        for (int i = 0; i < rollout.getPhasesCount(); i++) {
            if (rollout.getPhases(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private Rollout waitUntilSettled(String id) throws InterruptedException {
        Rollout now = get(id);
        for (int i = 0; i < 600 && (now.getState() == RolloutState.ROLLING_BACK || now.getState() == RolloutState.RUNNING); i++) {
            Thread.sleep(100);
            now = get(id);
        }
        return now;
    }

    Rollout get(String id) {
        return admin.controller().getRollout(GetRolloutRequest.newBuilder().setId(id).build());
    }

    static boolean ended(RolloutState s) {
        return s == RolloutState.COMPLETED || s == RolloutState.ABORTED || s == RolloutState.FAILED;
    }

    /** The event types, in order, for the report. */
    List<String> eventLines() {
        List<String> lines = new ArrayList<>();
        for (RolloutEvent e : seen) {
            lines.add(e.getType().name().replaceFirst("^EVENT_", "") + (e.getPhase().isEmpty() ? "" : " " + e.getPhase()) + ": "
                    + e.getMessage());
        }
        return lines;
    }
}
