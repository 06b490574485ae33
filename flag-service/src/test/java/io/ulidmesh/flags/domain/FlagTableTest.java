package io.ulidmesh.flags.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlagTableTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private final FlagTable table = new FlagTable();

    static FlagState flag(String name, int basisPoints, String cohort, long version) {
        return new FlagState(name, "", basisPoints, cohort, version, AT, "alice", "");
    }

    static RecordedChange upsert(long revision, FlagState flag) {
        return new RecordedChange(revision, ChangeType.UPSERTED, flag, null, AT, "alice", "");
    }

    static RecordedChange deletion(long revision, FlagState last) {
        return new RecordedChange(revision, ChangeType.DELETED, last, last, AT, "alice", "");
    }

    @Test
    void anUnknownFlagIsDisabledAsNotFoundAtVersionZero() {
        EvaluationResult e = table.evaluate("missing", "user-1");
        assertThat(e).isEqualTo(new EvaluationResult("missing", "user-1", false, 0, Reason.FLAG_NOT_FOUND, 0));
    }

    /** Vectors: in cohort use_v2_coordinator, user-2 is in bucket 345 and user-1 in bucket 6403. */
    @Test
    void theCohortBucketDecidesAPercentageAndOffAndOnAreTheSameForEveryone() {
        table.apply(Commit.of(upsert(1, flag("rollout", 346, "use_v2_coordinator", 3))));
        EvaluationResult in = table.evaluate("rollout", "user-2");
        assertThat(in).isEqualTo(new EvaluationResult("rollout", "user-2", true, 345, Reason.IN_ROLLOUT, 3));
        EvaluationResult out = table.evaluate("rollout", "user-1");
        assertThat(out).isEqualTo(new EvaluationResult("rollout", "user-1", false, 6403, Reason.OUT_OF_ROLLOUT, 3));

        table.apply(Commit.of(upsert(2, flag("rollout", 345, "use_v2_coordinator", 4))));
        assertThat(table.evaluate("rollout", "user-2").reason()).isEqualTo(Reason.OUT_OF_ROLLOUT);

        assertThat(FlagTable.evaluate(flag("off", 0, "use_v2_coordinator", 1), "user-2"))
                .extracting(EvaluationResult::enabled, EvaluationResult::reason, EvaluationResult::bucket)
                .containsExactly(false, Reason.FLAG_OFF, 345);
        assertThat(FlagTable.evaluate(flag("on", 10_000, "use_v2_coordinator", 1), "user-1"))
                .extracting(EvaluationResult::enabled, EvaluationResult::reason, EvaluationResult::bucket)
                .containsExactly(true, Reason.FLAG_ON, 6403);
    }

    @Test
    void anEntryOnlyMovesToANewerRevision() {
        table.apply(Commit.of(upsert(5, flag("f", 500, "f", 2))));
        table.apply(Commit.of(upsert(3, flag("f", 300, "f", 1)))); // late, from the other feed
        assertThat(table.get("f").basisPoints()).isEqualTo(500);
        table.apply(Commit.of(upsert(5, flag("f", 999, "f", 2)))); // the same revision again
        assertThat(table.get("f").basisPoints()).isEqualTo(500);
        table.apply(Commit.of(upsert(6, flag("f", 600, "f", 3))));
        assertThat(table.get("f").basisPoints()).isEqualTo(600);
    }

    @Test
    void aDeletedFlagIsGoneAndAnOlderWriteDoesNotBringItBack() {
        FlagState f = flag("f", 10_000, "f", 1);
        table.apply(Commit.of(upsert(1, f)));
        table.apply(Commit.of(deletion(2, f)));
        assertThat(table.get("f")).isNull();
        assertThat(table.evaluate("f", "x").reason()).isEqualTo(Reason.FLAG_NOT_FOUND);
        table.apply(Commit.of(upsert(1, f)));
        assertThat(table.get("f")).isNull();
        assertThat(table.all()).isEmpty();
        table.apply(Commit.of(upsert(3, flag("f", 0, "f", 2))));
        assertThat(table.get("f").version()).isEqualTo(2);
    }

    @Test
    void allListsTheLiveFlagsByName() {
        table.apply(Commit.of(upsert(1, flag("c", 0, "c", 1))));
        table.apply(Commit.of(upsert(2, flag("a", 0, "a", 1))));
        table.apply(Commit.of(upsert(3, flag("b", 0, "b", 1))));
        table.apply(Commit.of(deletion(4, flag("b", 0, "b", 1))));
        assertThat(table.all()).extracting(FlagState::name).containsExactly("a", "c");
    }
}
