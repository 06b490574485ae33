package io.ulidmesh.flags.domain;

import static io.ulidmesh.flags.domain.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.ulidmesh.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

class FlagRulesTest {

    @Test
    void namesAreLowerCaseWithDigitsDotsDashesAndUnderscoresUpTo128() {
        assertThat(FlagRules.name("use_v2.coordinator-b")).isEqualTo("use_v2.coordinator-b");
        assertThat(FlagRules.name("a".repeat(128))).hasSize(128);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.name("a".repeat(129)), "must match");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.name("Bad Name"),
                "flag name 'Bad Name' must match [a-z][a-z0-9_.-]{0,127}");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.name("9x"), "'9x'");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.name(""), "''");
    }

    @Test
    void aCohortIsEmptyOrFollowsTheNameRule() {
        assertThat(FlagRules.cohort("")).isEmpty();
        assertThat(FlagRules.cohort("shared.cohort")).isEqualTo("shared.cohort");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.cohort("No Cohort"), "cohort 'No Cohort' must match");
    }

    @Test
    void basisPointsAreZeroToTenThousand() {
        assertThat(FlagRules.basisPoints(0)).isZero();
        assertThat(FlagRules.basisPoints(10_000)).isEqualTo(10_000);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.basisPoints(10_001), "basis_points 10001 is outside");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.basisPoints(-5), "basis_points -5");
    }

    @Test
    void percentagesHaveAtMostTwoDecimalsWithinZeroToHundred() {
        assertThat(FlagRules.basisPointsOfPercentage(12.5)).isEqualTo(1250);
        assertThat(FlagRules.basisPointsOfPercentage(0.01)).isEqualTo(1);
        assertThat(FlagRules.basisPointsOfPercentage(99.99)).isEqualTo(9999);
        assertThat(FlagRules.basisPointsOfPercentage(100)).isEqualTo(10_000);
        assertThat(FlagRules.basisPointsOfPercentage(0)).isZero();
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.basisPointsOfPercentage(12.345),
                "percentage 12.345 has more than two decimals");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.basisPointsOfPercentage(100.5),
                "percentage 100.5 is outside 0..100");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.basisPointsOfPercentage(-1), "-1.0");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.basisPointsOfPercentage(Double.NaN), "NaN");
        assertRefused(ErrorKind.INVALID_ARGUMENT,
                () -> FlagRules.basisPointsOfPercentage(Double.POSITIVE_INFINITY), "Infinity");
    }

    @Test
    void versionsRevisionsTextsAndPageSizes() {
        assertThat(FlagRules.expectedVersion(0)).isZero();
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.expectedVersion(-2), "expected_version -2 is negative");
        assertThat(FlagRules.afterRevision(7)).isEqualTo(7);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.afterRevision(-3), "after_revision -3 is negative");
        assertThat(FlagRules.text("reason", "r".repeat(4096))).hasSize(4096);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.text("reason", "r".repeat(4097)),
                "reason is 4097 characters long, more than 4096");
        assertThat(FlagRules.pageSize(0)).isEqualTo(100);
        assertThat(FlagRules.pageSize(5)).isEqualTo(5);
        assertThat(FlagRules.pageSize(5000)).isEqualTo(1000);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.pageSize(-1), "page_size -1 is negative");
    }

    @Test
    void aBatchHasAtMostTenThousandPairs() {
        FlagRules.batchSize(2, 5000);
        FlagRules.batchSize(0, 1_000_000);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> FlagRules.batchSize(2, 5001),
                "2 flags x 5001 entity_ids = 10002 pairs, more than 10000");
    }
}
