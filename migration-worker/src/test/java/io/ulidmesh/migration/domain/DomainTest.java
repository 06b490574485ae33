package io.ulidmesh.migration.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.f4b6a3.ulid.Ulid;
import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure parts: state machine, spec checks, ULID sequence, throttle, validation verdict. */
class DomainTest {
    private static final UlidColumnSpec SPEC = new UlidColumnSpec("jobs", "crackerjack", "jobs", "id", "job_ulid", "legacy_id", "", 0, 0);

    private static MigrationRecord in(Stage state, Stage settled) {
        Instant now = Instant.now();
        return new MigrationRecord("01ARZ3NDEKTSV4RRFFQ69G5FAV", SPEC, state, settled, 0, 0, 0, 0, now, now, "");
    }

    private static MigrationRecord in(Stage state) {
        return in(state, state);
    }

    private static ErrorKind refusal(MigrationRecord m, Step step) {
        DomainException e = (DomainException) org.assertj.core.api.Assertions.catchThrowable(() -> Steps.decide(m, step));
        assertThat(e).as("%s in %s", step, m.state()).isNotNull();
        return e.kind();
    }

    @Test
    void stepsInOrderRunAndDoneStepsAreNoOps() {
        assertThat(Steps.decide(in(Stage.CREATED), Step.EXPAND)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.EXPANDED), Step.EXPAND)).isEqualTo(Steps.Decision.ALREADY_DONE);
        assertThat(Steps.decide(in(Stage.EXPANDED), Step.BACKFILL)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.BACKFILLING), Step.BACKFILL)).isEqualTo(Steps.Decision.ALREADY_DONE);
        assertThat(Steps.decide(in(Stage.VALIDATED), Step.BACKFILL)).as("catch-up").isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.CONTRACTED), Step.BACKFILL)).isEqualTo(Steps.Decision.ALREADY_DONE);
        assertThat(Steps.decide(in(Stage.BACKFILLING), Step.PAUSE)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.PAUSED), Step.RESUME)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.BACKFILLED), Step.VALIDATE)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.VALIDATED), Step.CONTRACT)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.CONTRACTED), Step.CONTRACT)).isEqualTo(Steps.Decision.ALREADY_DONE);
        assertThat(Steps.decide(in(Stage.CONTRACTED), Step.ROLLBACK)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.ROLLED_BACK), Step.ROLLBACK)).isEqualTo(Steps.Decision.ALREADY_DONE);
    }

    @Test
    void stepsOutOfOrderAreFailedPrecondition() {
        assertThat(refusal(in(Stage.CREATED), Step.BACKFILL)).isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(refusal(in(Stage.CREATED), Step.CONTRACT)).isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(refusal(in(Stage.BACKFILLING), Step.VALIDATE)).isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(refusal(in(Stage.BACKFILLED), Step.CONTRACT)).isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(refusal(in(Stage.PAUSED), Step.BACKFILL)).isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(refusal(in(Stage.EXPANDED), Step.PAUSE)).isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(refusal(in(Stage.ROLLED_BACK), Step.EXPAND)).isEqualTo(ErrorKind.FAILED_PRECONDITION);
    }

    @Test
    void aFailedStepCanBeRetriedFromItsSettledState() {
        assertThat(Steps.decide(in(Stage.FAILED, Stage.EXPANDED), Step.BACKFILL)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.FAILED, Stage.VALIDATED), Step.CONTRACT)).isEqualTo(Steps.Decision.RUN);
        assertThat(Steps.decide(in(Stage.FAILED, Stage.ROLLED_BACK), Step.ROLLBACK)).isEqualTo(Steps.Decision.RUN);
        assertThat(refusal(in(Stage.FAILED, Stage.EXPANDED), Step.CONTRACT)).isEqualTo(ErrorKind.FAILED_PRECONDITION);
    }

    @Test
    void specsCarryingSqlAreInvalid() {
        assertThat(SPEC.validated().batchSize()).isEqualTo(1000);
        for (UlidColumnSpec bad : new UlidColumnSpec[] {
                new UlidColumnSpec("n", "t", "jobs; DROP TABLE jobs", "id", "u", "", "", 0, 0),
                new UlidColumnSpec("n", "t", "jobs", "id\"", "u", "", "", 0, 0),
                new UlidColumnSpec("n", "t", "jobs", "id", "id", "", "", 0, 0),
                new UlidColumnSpec("n", "t", "jobs", "id", "u", "id", "", 0, 0),
                new UlidColumnSpec("n", "T!", "jobs", "id", "u", "", "", 0, 0),
                new UlidColumnSpec("n", "t", "jobs", "id", "u", "", "", 0, -5),
                new UlidColumnSpec("n", "t", "jobs", "id", "u", "", "", 100_000, 0)}) {
            assertThatThrownBy(bad::validated).isInstanceOfSatisfying(DomainException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        }
    }

    @Test
    void ulidsAreMonotonicWithinAMillisecondAndContinueAfterTheCheckpoint() {
        UlidSequence sequence = new UlidSequence("", new Random(1));
        String a = sequence.next(1_700_000_000_000L);
        String b = sequence.next(1_700_000_000_000L);
        assertThat(b).isGreaterThan(a);
        assertThat(Ulid.from(b).getTime()).isEqualTo(1_700_000_000_000L);
        // A restarted worker continues from the checkpoint's last ULID: the next one is greater, never equal.
        UlidSequence restarted = new UlidSequence(sequence.last(), new Random(1));
        assertThat(restarted.next(1_700_000_000_000L)).isGreaterThan(b);
        assertThat(Ulid.from(sequence.next(1_600_000_000_000L)).getInstant()).isEqualTo(Instant.ofEpochMilli(1_600_000_000_000L));
    }

    @Test
    void throttleSpacesBatchesAtTheAskedRate() {
        Throttle throttle = new Throttle(1000, 0);
        assertThat(throttle.batchSize(5000)).isEqualTo(500);
        assertThat(throttle.record(500, 100_000_000L)).isEqualTo(400_000_000L);
        assertThat(throttle.record(500, 1_200_000_000L)).isZero();
        assertThat(new Throttle(0, 0).record(1_000_000, 1)).isZero();
    }

    @Test
    void validationPassesOnlyWithoutBadValuesAndWithoutLostRows() {
        assertThat(ValidationResult.of(100_000, 100_000, 100_000, 0, 0, 0, 0.01).passed()).isTrue();
        assertThat(ValidationResult.of(100_000, 100_500, 100_500, 0, 0, 0, 0.01).passed()).as("growth").isTrue();
        assertThat(ValidationResult.of(100_000, 99_990, 99_990, 0, 0, 0, 0.01).passed()).as("10 lost = 0.01 %").isTrue();
        assertThat(ValidationResult.of(100_000, 99_989, 99_989, 0, 0, 0, 0.01).passed()).isFalse();
        assertThat(ValidationResult.of(100, 100, 99, 1, 0, 0, 0.01).problems()).singleElement().asString().contains("canonical");
        assertThat(ValidationResult.of(100, 100, 99, 0, 1, 0, 0.01).passed()).isFalse();
        assertThat(ValidationResult.of(100, 100, 98, 0, 0, 1, 0.01).passed()).isFalse();
    }
}
