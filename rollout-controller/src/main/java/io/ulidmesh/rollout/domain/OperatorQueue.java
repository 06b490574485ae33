package io.ulidmesh.rollout.domain;

import java.util.concurrent.CompletableFuture;

/**
 * The operator actions as the API calls them: each queued on the {@link EngineThread}, so that
 * actions, pushed signals and the periodic tick never race, and answered when it has run.
 */
public final class OperatorQueue {
    private final OperatorActions actions;
    private final EngineThread engine;

    public OperatorQueue(OperatorActions actions, EngineThread engine) {
        this.actions = actions;
        this.engine = engine;
    }

    public CompletableFuture<RolloutRecord> create(String yaml, boolean start, String actor) {
        return engine.submit(() -> actions.create(yaml, start, actor));
    }

    public CompletableFuture<RolloutRecord> start(String id, String reason, String actor) {
        return engine.submit(() -> actions.start(id, reason, actor));
    }

    public CompletableFuture<RolloutRecord> pause(String id, String reason, String actor) {
        return engine.submit(() -> actions.pause(id, reason, actor));
    }

    public CompletableFuture<RolloutRecord> resume(String id, String reason, String actor) {
        return engine.submit(() -> actions.resume(id, reason, actor));
    }

    public CompletableFuture<RolloutRecord> promote(String id, String reason, String actor) {
        return engine.submit(() -> actions.promote(id, reason, actor));
    }

    public CompletableFuture<RolloutRecord> rollback(String id, String reason, String actor) {
        return engine.submit(() -> actions.rollback(id, reason, actor));
    }

    public CompletableFuture<RolloutRecord> abort(String id, String reason, String actor) {
        return engine.submit(() -> actions.abort(id, reason, actor));
    }

    /** A pushed signal value; {@code receivedNanos} is when it arrived, for the detection-to-rollback time. */
    public CompletableFuture<OperatorActions.SignalResult> report(String name, double value, String onlyRollout, long receivedNanos) {
        return engine.submit(() -> actions.report(name, value, onlyRollout, receivedNanos));
    }
}
