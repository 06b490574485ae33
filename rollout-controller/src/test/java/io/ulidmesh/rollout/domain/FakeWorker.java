package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.plan.PlannedMigration;
import io.ulidmesh.rollout.domain.port.MigrationEstimate;
import io.ulidmesh.rollout.domain.port.MigrationPort;
import io.ulidmesh.rollout.domain.port.MigrationRun;
import io.ulidmesh.rollout.domain.port.MigrationRun.State;
import io.ulidmesh.rollout.domain.port.MigrationTarget;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.ValidationOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** migration-worker in memory: a backfill runs until {@link #finishBackfill} says it is done. */
final class FakeWorker implements MigrationPort {
    record Stored(String name, String target, State state, long rows, String lastError) {
        Stored in(State s) {
            return new Stored(name, target, s, rows, lastError);
        }
    }

    final Map<String, Stored> migrations = new LinkedHashMap<>();
    final List<MigrationTarget> targets = new ArrayList<>();
    /** The calls made, e.g. "expand m1", in order. */
    final List<String> calls = new ArrayList<>();
    /** Problems Validate reports; none means it passes. */
    List<String> validationProblems = List.of();
    /** Plan's answers by target.table; a table with none is refused as Plan refuses a spec its catalog does not match. */
    final Map<String, MigrationEstimate> estimates = new LinkedHashMap<>();
    /** When set, every call fails with it. */
    PeerFailure down;

    void finishBackfill(String id, long rows) {
        Stored m = migrations.get(id);
        migrations.put(id, new Stored(m.name(), m.target(), State.BACKFILLED, rows, ""));
    }

    void fail(String id, String error) {
        Stored m = migrations.get(id);
        migrations.put(id, new Stored(m.name(), m.target(), State.FAILED, m.rows(), error));
    }

    String onlyId() {
        return migrations.keySet().iterator().next();
    }

    @Override
    public List<MigrationTarget> targets() {
        failIfDown();
        return targets;
    }

    @Override
    public Optional<MigrationRun> find(String target, String name) {
        failIfDown();
        return migrations.entrySet().stream().filter(e -> e.getValue().target().equals(target) && e.getValue().name().equals(name))
                .map(e -> run(e.getKey())).findFirst();
    }

    @Override
    public MigrationRun create(String name, PlannedMigration spec) {
        failIfDown();
        String id = "m" + (migrations.size() + 1);
        calls.add("create " + name);
        migrations.put(id, new Stored(name, spec.target(), State.CREATED, 0, ""));
        return run(id);
    }

    @Override
    public MigrationEstimate plan(PlannedMigration spec) {
        failIfDown();
        String where = spec.target() + "." + spec.table();
        calls.add("plan " + where);
        MigrationEstimate e = estimates.get(where);
        if (e == null) {
            throw new PeerFailure("Plan " + where + " failed: FAILED_PRECONDITION no table " + spec.table(), false, null);
        }
        return e;
    }

    @Override
    public MigrationRun get(String id) {
        failIfDown();
        return run(id);
    }

    @Override
    public void expand(String id, String reason) {
        step(id, "expand", State.EXPANDED);
    }

    @Override
    public void backfill(String id, String reason) {
        step(id, "backfill", State.BACKFILLING);
    }

    @Override
    public ValidationOutcome validate(String id, String reason) {
        Stored m = migrations.get(id);
        step(id, "validate", validationProblems.isEmpty() ? State.VALIDATED : m.state());
        return new ValidationOutcome(validationProblems.isEmpty(), m.rows(), validationProblems);
    }

    @Override
    public void contract(String id, String reason) {
        step(id, "contract", State.CONTRACTED);
    }

    @Override
    public MigrationRun rollback(String id, String reason) {
        step(id, "rollback", State.ROLLED_BACK);
        return run(id);
    }

    private void step(String id, String what, State to) {
        failIfDown();
        calls.add(what + " " + id);
        migrations.put(id, migrations.get(id).in(to));
    }

    private MigrationRun run(String id) {
        Stored m = migrations.get(id);
        return new MigrationRun(id, m.state(), m.rows(), m.lastError());
    }

    private void failIfDown() {
        if (down != null) {
            throw down;
        }
    }
}
