package io.ulidmesh.rollout.engine;

/** A phase step that cannot succeed by retrying (a failed validation, a migration in FAILED). */
class StepFailure extends RuntimeException {
    StepFailure(String message) {
        super(message, null, false, false);
    }
}
