package io.ulidmesh.flags.domain;

import static io.ulidmesh.flags.domain.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ulidmesh.common.error.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flag use cases over an in-memory repository: no Quarkus, no database. */
class FlagsTest {
    private final InMemoryFlagRepository repository = new InMemoryFlagRepository();
    private final Flags flags = new Flags(repository, new FlagTable(), new ChangeFeed(0));

    private static SetFlagCommand command(String name, Integer basisPoints) {
        return new SetFlagCommand(name, basisPoints, "because", 0, "", "");
    }

    private Written set(String name, Integer basisPoints) {
        return flags.set(command(name, basisPoints), "alice");
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWriteIsValidatedAndRefusedWritesStoreNothing() {
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> set("Bad Name", 1), "flag name 'Bad Name'");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> set("f", 10_001), "basis_points 10001");
        assertRefused(ErrorKind.INVALID_ARGUMENT,
                () -> flags.set(new SetFlagCommand("f", 1, "r".repeat(4097), 0, "", ""), "alice"), "reason is 4097");
        assertRefused(ErrorKind.INVALID_ARGUMENT,
                () -> flags.set(new SetFlagCommand("f", 1, "", -1, "", ""), "alice"), "expected_version -1");
        assertRefused(ErrorKind.INVALID_ARGUMENT,
                () -> flags.set(new SetFlagCommand("f", 1, "", 0, "d".repeat(4097), ""), "alice"), "description");
        assertRefused(ErrorKind.INVALID_ARGUMENT,
                () -> flags.set(new SetFlagCommand("f", 1, "", 0, "", "No Cohort"), "alice"), "cohort 'No Cohort'");
        assertRefused(ErrorKind.INVALID_ARGUMENT,
                () -> flags.set(new SetFlagCommand("f", 1, "a\u0000", 0, "", ""), "alice"), "reason has a NUL", "position 1");
        assertRefused(ErrorKind.INVALID_ARGUMENT,
                () -> flags.set(new SetFlagCommand("f", 1, "", 0, "\u0000", ""), "alice"), "description has a NUL");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> set("f\u001b", 1), "flag name 'f\\u001b'");
        assertThat(repository.head()).isZero();
    }

    @Test
    void evaluationsRefuseOnlyNulNamingTheField() {
        set("f", 10_000);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.evaluate("f", "\u0000"), "entity_id has a NUL");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.evaluate("f\u0000", "e"), "flag has a NUL");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.evaluate(List.of("f", "g\u0000"), List.of("e")),
                "flags[1] has a NUL");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.evaluateAll("e\u0000"), "entity_id has a NUL");
        assertThat(flags.evaluate("f", "tab\tand\nnewline").reason()).isEqualTo(Reason.FLAG_ON);
        assertThat(flags.evaluate("F\n", "e").reason()).isEqualTo(Reason.FLAG_NOT_FOUND);
    }

    @Test
    void aWriteIsEvaluatedAtOnceOnThisReplica() {
        Written created = set("f", null);
        assertThat(created.flag().basisPoints()).as("a new flag without a state starts off").isZero();
        assertThat(created.flag().cohort()).isEqualTo("f");
        assertThat(created.commit().changes().get(0).type()).isEqualTo(ChangeType.UPSERTED);
        assertThat(flags.evaluate("f", "x").reason()).isEqualTo(Reason.FLAG_OFF);
        set("f", 10_000);
        assertThat(flags.evaluate("f", "x").reason()).isEqualTo(Reason.FLAG_ON);
        assertThat(flags.evaluate("f", "x").version()).isEqualTo(2);
        assertThat(flags.exists("f")).isTrue();
    }

    @Test
    void aWriteThatChangesNothingRecordsNothing() {
        Written first = set("f", 500);
        Written again = set("f", 500);
        assertThat(again.changed()).isFalse();
        assertThat(again.flag()).isEqualTo(first.flag());
        assertThat(set("f", null).changed()).isFalse();
        assertThat(flags.history("f", "", 0).items()).hasSize(1);
    }

    @Test
    void deleteTakesTheFlagOutOfEvaluationsAndARecreatedFlagContinuesItsVersions() {
        set("f", 10_000);
        RecordedChange deleted = flags.delete("f", 1, "cleanup", "bob");
        assertThat(deleted.type()).isEqualTo(ChangeType.DELETED);
        assertThat(deleted.after()).isNull();
        assertThat(deleted.flag().basisPoints()).isEqualTo(10_000);
        assertThat(flags.evaluate("f", "x").reason()).isEqualTo(Reason.FLAG_NOT_FOUND);
        assertThat(flags.exists("f")).isFalse();
        assertRefused(ErrorKind.NOT_FOUND, () -> flags.get("f"), "flag 'f' does not exist");
        assertRefused(ErrorKind.NOT_FOUND, () -> flags.delete("f", 0, "", "bob"), "flag 'f' does not exist");
        assertThat(set("f", 1).flag().version()).isEqualTo(2);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.delete("9x", 0, "", "bob"), "'9x'");
    }

    @Test
    void anExpectedVersionMustBeTheCurrentOne() {
        set("f", 1);
        set("f", 2);
        assertRefused(ErrorKind.CONFLICT, () -> flags.set(new SetFlagCommand("f", 3, "", 1, "", ""), "alice"),
                "flag 'f' is at version 2, not the expected_version 1");
        assertRefused(ErrorKind.CONFLICT, () -> flags.delete("f", 1, "", "alice"), "expected_version 1");
        assertRefused(ErrorKind.CONFLICT, () -> flags.set(new SetFlagCommand("new", 3, "", 4, "", ""), "alice"),
                "flag 'new' does not exist, but expected_version is 4");
        assertThat(flags.set(new SetFlagCommand("f", 3, "", 2, "", ""), "alice").flag().version()).isEqualTo(3);
        assertThat(flags.get("f").basisPoints()).isEqualTo(3);
    }

    @Test
    void emptyDescriptionCohortAndStateKeepTheCurrentOnes() {
        flags.set(new SetFlagCommand("f", 250, "", 0, "first", "shared"), "alice");
        FlagState kept = flags.set(new SetFlagCommand("f", 300, "widen", 0, "", ""), "bob").flag();
        assertThat(kept.description()).isEqualTo("first");
        assertThat(kept.cohort()).isEqualTo("shared");
        assertThat(kept.updatedBy()).isEqualTo("bob");
        assertThat(kept.reason()).isEqualTo("widen");
        FlagState described = flags.set(new SetFlagCommand("f", null, "", 0, "second", ""), "bob").flag();
        assertThat(described.basisPoints()).isEqualTo(300);
        assertThat(described.description()).isEqualTo("second");
        assertThat(described.version()).isEqualTo(3);
    }

    @Test
    void listPagesByNameWithTokensItIssued() {
        for (String name : List.of("c", "a", "e", "b", "d")) {
            set(name, 1);
        }
        List<String> names = new ArrayList<>();
        Page<FlagState> page = flags.list("", 2);
        names.addAll(page.items().stream().map(FlagState::name).toList());
        while (!page.nextPageToken().isEmpty()) {
            page = flags.list(page.nextPageToken(), 2);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
            names.addAll(page.items().stream().map(FlagState::name).toList());
        }
        assertThat(names).containsExactly("a", "b", "c", "d", "e");
        assertThat(flags.list("", 5).nextPageToken()).as("no token after the last page").isEmpty();
        assertThat(flags.list("", 0).items()).hasSize(5);
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.list("", -1), "page_size -1");
    }

    @Test
    void listAndHistoryRefuseTokensTheyDidNotIssue() {
        set("a", 1);
        set("a", 2);
        set("a", 3);
        set("b", 1);
        String listToken = flags.list("", 1).nextPageToken();
        String historyToken = flags.history("a", "", 1).nextPageToken();
        for (String forged : List.of("!!", base64Url("a"), historyToken, base64Url("ListFlags\nNot A Name"))) {
            assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.list(forged, 1),
                    "page_token is not a token this service issued for ListFlags");
        }
        for (String forged : List.of("!!", listToken, base64Url("History of a\n0"), base64Url("History of a\nx"),
                flags.history("b", "", 1).nextPageToken() + "x", base64Url("History of b\n3"))) {
            assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.history("a", forged, 1),
                    "page_token is not a token this service issued for History of a");
        }
    }

    @Test
    void historyIsNewestFirstWithTheStateBeforeEachChange() {
        for (int bp = 1; bp <= 5; bp++) {
            set("f", bp * 100);
        }
        flags.delete("f", 0, "gone", "bob");
        List<RecordedChange> all = new ArrayList<>();
        Page<RecordedChange> page = flags.history("f", "", 4);
        all.addAll(page.items());
        page = flags.history("f", page.nextPageToken(), 4);
        all.addAll(page.items());
        assertThat(page.nextPageToken()).isEmpty();
        assertThat(all).extracting(RecordedChange::revision).containsExactly(6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(all.get(0).type()).isEqualTo(ChangeType.DELETED);
        assertThat(all.get(0).actor()).isEqualTo("bob");
        assertThat(all.get(1).before().basisPoints()).isEqualTo(400);
        assertThat(all.get(1).after().basisPoints()).isEqualTo(500);
        assertThat(all.get(5).before()).isNull();

        assertRefused(ErrorKind.NOT_FOUND, () -> flags.history("never", "", 0), "flag 'never' has no history");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.history("x y", "", 0), "'x y'");
    }

    @Test
    void batchesAreFlagMajorAndBounded() {
        set("a", 10_000);
        List<EvaluationResult> results = flags.evaluate(List.of("a", "missing"), List.of("x", "y"));
        assertThat(results).extracting(EvaluationResult::flag, EvaluationResult::entityId, EvaluationResult::reason)
                .containsExactly(
                        tuple("a", "x", Reason.FLAG_ON),
                        tuple("a", "y", Reason.FLAG_ON),
                        tuple("missing", "x", Reason.FLAG_NOT_FOUND),
                        tuple("missing", "y", Reason.FLAG_NOT_FOUND));
        assertRefused(ErrorKind.INVALID_ARGUMENT,
                () -> flags.evaluate(List.of("a", "b"), Collections.nCopies(5001, "e")), "10002 pairs");
    }

    @Test
    void evaluateAllAnswersEveryLiveFlagByName() {
        set("b", 10_000);
        set("a", 0);
        set("c", 1);
        flags.delete("c", 0, "", "bob");
        assertThat(flags.evaluateAll("x")).extracting(EvaluationResult::flag, EvaluationResult::enabled)
                .containsExactly(tuple("a", false),
                        tuple("b", true));
    }

    @Test
    void loadFillsTheTableAndStartsTheFeedAtTheHead() {
        repository.set(List.of(command("early", 10_000)), "elsewhere");
        repository.set(List.of(command("gone", 1)), "elsewhere");
        repository.delete("gone", 0, "", "elsewhere");
        flags.load();
        assertThat(flags.evaluate("early", "x").reason()).isEqualTo(Reason.FLAG_ON);
        assertThat(flags.exists("gone")).isFalse();
        assertThat(flags.published()).isEqualTo(3);
        assertThat(flags.all()).extracting(FlagState::name).containsExactly("early");
    }

    /** Changes written through another replica (straight to the repository) arrive in order, page after page. */
    @Test
    void catchUpAppliesAndPublishesEveryChangeOfOtherReplicasInOrder() {
        flags.load();
        List<Long> followed = new ArrayList<>();
        flags.follow(change -> followed.add(change.revision()));
        for (int i = 1; i <= 2500; i++) {
            repository.set(List.of(command("elsewhere", i % 10_000)), "other replica");
        }
        assertThat(flags.exists("elsewhere")).isFalse();
        flags.catchUp();
        assertThat(followed).hasSize(2500).isSorted().doesNotHaveDuplicates();
        assertThat(followed.get(2499)).isEqualTo(2500);
        assertThat(flags.published()).isEqualTo(2500);
        assertThat(flags.evaluate("elsewhere", "x").version()).isEqualTo(2500);
        flags.catchUp();
        assertThat(followed).hasSize(2500);
    }

    @Test
    void watchFromZeroSendsTheSnapshotThenLiveChanges() {
        set("a", 1);
        set("b", 1);
        set("a", 2);
        flags.catchUp();
        List<String> snapshot = new ArrayList<>();
        List<Long> live = new ArrayList<>();
        ChangeFeed.Subscription watcher = flags.watch(0,
                all -> all.forEach(c -> snapshot.add(c.flag().name() + "@" + c.revision())),
                c -> live.add(c.revision()));
        assertThat(snapshot).containsExactly("b@2", "a@3");
        set("b", 2);
        flags.catchUp();
        assertThat(live).containsExactly(4L);
        watcher.close();
        set("b", 3);
        flags.catchUp();
        assertThat(live).containsExactly(4L);
    }

    @Test
    void watchFromARevisionReplaysTheHistoryThenGoesLive() {
        for (int bp = 1; bp <= 5; bp++) {
            set("f", bp);
        }
        flags.catchUp();
        List<Long> seen = new ArrayList<>();
        flags.watch(2, c -> { }, c -> seen.add(c.revision()));
        set("f", 6);
        flags.catchUp();
        assertThat(seen).containsExactly(3L, 4L, 5L, 6L);
    }

    @Test
    void watchRefusesANegativeRevisionOrOneBeyondTheHead() {
        set("f", 1);
        List<Object> seen = new ArrayList<>();
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.watch(-3, seen::add, seen::add), "after_revision -3");
        assertRefused(ErrorKind.FAILED_PRECONDITION, () -> flags.watch(7, seen::add, seen::add),
                "after_revision 7 is beyond the latest revision 1");
        set("f", 2);
        flags.catchUp();
        assertThat(seen).as("a refused watcher is closed").isEmpty();
    }

    /** Flags a and b at 100 bp, version 1, revisions 1 and 2; the commits published after them. */
    private List<Commit> followingFlagsAAndB() {
        flags.load();
        set("a", 100);
        set("b", 100);
        flags.catchUp();
        List<Commit> seen = new ArrayList<>();
        flags.follow(seen::add);
        return seen;
    }

    /** SetFlags: several flags, one revision, one commit to watchers; a stale version anywhere changes nothing. */
    @Test
    void severalFlagsChangeTogetherUnderOneRevisionOrNotAtAll() {
        List<Commit> seen = followingFlagsAAndB();
        assertRefused(ErrorKind.CONFLICT, () -> flags.set(List.of(
                new SetFlagCommand("a", 200, "phase 2", 1, "", ""),
                new SetFlagCommand("b", 200, "phase 2", 7, "", "")), "alice"), "'b'");
        assertThat(flags.current("a").basisPoints()).as("nothing changed").isEqualTo(100);
        assertThat(repository.head()).isEqualTo(2);

        Written written = flags.set(List.of(
                new SetFlagCommand("a", 200, "phase 2", 1, "", ""),
                new SetFlagCommand("b", 100, "unchanged", 1, "", ""),
                new SetFlagCommand("c", 300, "phase 2", 0, "", "")), "alice");
        assertThat(written.flags()).extracting(FlagState::name).containsExactly("a", "b", "c");
        assertThat(written.commit().revision()).isEqualTo(3);
        assertThat(written.commit().changes()).extracting(c -> c.flag().name()).containsExactly("a", "c");
        assertThat(flags.evaluate("c", "x").version()).isEqualTo(1);
        flags.catchUp();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).changes()).extracting(c -> c.flag().name() + "@" + c.revision())
                .containsExactly("a@3", "c@3");
        assertThat(flags.history("a", "", 0).items().get(0).before().basisPoints()).isEqualTo(100);
    }

    @Test
    void aWriteOfSeveralFlagsIsRefusedWhenEmptyTooLargeOrNamingAFlagTwice() {
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.set(List.of(), "alice"), "1 to 100 flags, not 0");
        List<SetFlagCommand> many = new ArrayList<>();
        for (int i = 0; i <= FlagRules.MAX_FLAGS_PER_WRITE; i++) {
            many.add(command("f" + i, 1));
        }
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.set(many, "alice"), "not 101");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.set(List.of(command("a", 1), command("a", 2)), "alice"),
                "'a' is named twice");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.set(List.of(command("a", 1), command("B", 2)), "alice"),
                "'B'");
        assertThat(repository.head()).isZero();
    }

    private static SetFlagCommand deletion(String name, long expectedVersion) {
        return new SetFlagCommand(name, null, "rollback", expectedVersion, "", "", true);
    }

    /** SetFlags entries that delete: in the same commit as the sets, or, refused, nothing changes. */
    @Test
    void aWriteDeletesFlagsInTheSameCommitAsItSetsOthers() {
        List<Commit> seen = followingFlagsAAndB();

        assertRefused(ErrorKind.CONFLICT, () -> flags.set(List.of(command("a", 200), deletion("gone", 3)), "alice"),
                "flag 'gone' does not exist, but expected_version is 3");
        assertRefused(ErrorKind.CONFLICT, () -> flags.set(List.of(command("a", 200), deletion("b", 2)), "alice"),
                "'b' is at version 1");
        assertRefused(ErrorKind.NOT_FOUND, () -> flags.set(List.of(command("a", 200), deletion("gone", 0)), "alice"),
                "'gone' does not exist");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.set(List.of(command("b", 200), deletion("b", 1)), "alice"),
                "'b' is both set and deleted");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.set(List.of(
                new SetFlagCommand("b", 0, "", 1, "", "", true)), "alice"), "sets no state");
        assertRefused(ErrorKind.INVALID_ARGUMENT, () -> flags.set(deletion("b", 1), "alice"), "DeleteFlag");
        assertThat(repository.head()).as("nothing refused was written").isEqualTo(2);

        Written written = flags.set(List.of(command("a", 200), deletion("b", 1)), "alice");
        assertThat(written.flags()).extracting(FlagState::name, FlagState::version)
                .containsExactly(tuple("a", 2L), tuple("b", 1L));
        assertThat(written.commit().changes()).extracting(c -> c.flag().name(), RecordedChange::type)
                .containsExactly(tuple("a", ChangeType.UPSERTED), tuple("b", ChangeType.DELETED));
        assertThat(flags.current("b")).as("gone from this replica's table with the same commit").isNull();
        assertThat(flags.current("a").basisPoints()).isEqualTo(200);
        flags.catchUp();
        assertThat(seen).singleElement().extracting(Commit::revision).isEqualTo(3L);
        RecordedChange deleted = flags.history("b", "", 0).items().get(0);
        assertThat(deleted.type()).isEqualTo(ChangeType.DELETED);
        assertThat(deleted.actor()).isEqualTo("alice");
        assertThat(deleted.reason()).isEqualTo("rollback");
    }

    /** A batch evaluation reads one view of the table: while commits land, it never mixes two of them. */
    @Test
    void aBatchEvaluationSeesOneCommitOrTheNextNeverHalf() throws Exception {
        flags.set(List.of(command("a", 0), command("b", 0)), "alice");
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 2_000; i++) {
                flags.set(List.of(command("a", i % 2 * 10_000), command("b", i % 2 * 10_000)), "alice");
            }
        });
        writer.start();
        int mixed = 0;
        int reads = 0;
        while (writer.isAlive() || reads == 0) {
            List<EvaluationResult> both = flags.evaluate(List.of("a", "b"), List.of("x"));
            reads++;
            if (both.get(0).version() != both.get(1).version() || both.get(0).enabled() != both.get(1).enabled()) {
                mixed++;
            }
        }
        writer.join();
        assertThat(mixed).as("reads that saw half a commit, of " + reads).isZero();
        assertThat(flags.current("a").version()).isEqualTo(2_001);
    }
}
