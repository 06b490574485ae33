package io.ulidmesh.rollout.domain;

/** A phase step that cannot succeed by retrying (a failed validation, a migration in FAILED, a flag that keeps moving). */
class StepFailure extends RuntimeException {
    StepFailure(String message) {
        super(message, null, false, false);
    }
}
