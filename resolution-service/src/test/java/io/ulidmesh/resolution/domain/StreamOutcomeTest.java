package io.ulidmesh.resolution.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamOutcomeTest {

    @Test
    void keepsTheFirstErrorsInStreamOrderWhateverOrderChunksFinishIn() {
        StreamOutcome outcome = new StreamOutcome(3);
        outcome.add(chunk(2, 5, 1002, 1003));
        outcome.add(chunk(1, 0, 7, 4));
        outcome.add(chunk(0, 0, 2001));

        assertThat(outcome.registered()).isEqualTo(3);
        assertThat(outcome.unchanged()).isEqualTo(5);
        assertThat(outcome.errors()).isEqualTo(5);
        assertThat(outcome.listed()).extracting(BatchOutcome.ItemError::index).containsExactly(4L, 7L, 1002L);
        assertThat(outcome.unlisted()).isEqualTo(2);
    }

    @Test
    void withinTheBoundEverythingIsListed() {
        StreamOutcome outcome = new StreamOutcome(100).add(chunk(0, 0, 3, 1));
        assertThat(outcome.listed()).extracting(BatchOutcome.ItemError::index).containsExactly(1L, 3L);
        assertThat(outcome.unlisted()).isZero();
    }

    @Test
    void theBoundIsAtLeastOne() {
        assertThatThrownBy(() -> new StreamOutcome(0)).hasMessageContaining("at least 1");
    }

    private static BatchOutcome chunk(long registered, long unchanged, long... errorIndexes) {
        List<BatchOutcome.ItemError> errors = new ArrayList<>();
        for (long index : errorIndexes) {
            errors.add(new BatchOutcome.ItemError(index, "u" + index, DomainException.invalid("bad item")));
        }
        return new BatchOutcome(registered, unchanged, errors);
    }
}
