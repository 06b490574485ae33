package io.ulidmesh.flags.domain;

import static io.ulidmesh.flags.domain.FlagTableTest.flag;
import static io.ulidmesh.flags.domain.FlagTableTest.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {
    private final ChangeFeed feed = new ChangeFeed(0);

    private static Commit change(long revision) {
        return Commit.of(upsert(revision, flag("f", (int) revision, "f", revision)));
    }

    private static List<Long> revisions(List<Commit> commits) {
        return commits.stream().map(Commit::revision).toList();
    }

    /** A commit of several flags reaches each watcher whole, as one item. */
    @Test
    void aCommitOfSeveralFlagsIsDeliveredAsOne() {
        List<Commit> seen = new ArrayList<>();
        feed.follow(seen::add);
        feed.publish(new Commit(1, List.of(upsert(1, flag("a", 100, "a", 1)), upsert(1, flag("b", 200, "b", 1)))));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).changes()).extracting(c -> c.flag().name()).containsExactly("a", "b");
    }

    @Test
    void publishesInRevisionOrderAndIgnoresWhatItAlreadyPublished() {
        List<Commit> seen = new ArrayList<>();
        feed.follow(seen::add);
        feed.publish(change(1));
        feed.publish(change(2));
        feed.publish(change(2));
        feed.publish(change(1));
        feed.publish(change(3));
        assertThat(revisions(seen)).containsExactly(1L, 2L, 3L);
        assertThat(feed.published()).isEqualTo(3);
    }

    @Test
    void startAtOnlyMovesForward() {
        feed.startAt(10);
        feed.startAt(4);
        assertThat(feed.published()).isEqualTo(10);
        List<Commit> seen = new ArrayList<>();
        feed.follow(seen::add);
        feed.publish(change(9));
        feed.publish(change(11));
        assertThat(revisions(seen)).containsExactly(11L);
    }

    /** Live changes during the replay wait in the buffer; what the replay already sent is dropped. */
    @Test
    void aReplayHandsOverToLiveChangesMissingNothingAndRepeatingNothing() {
        feed.publish(change(1));
        List<Commit> seen = new ArrayList<>();
        ChangeFeed.Subscription watcher = feed.subscribe(1, seen::add);
        feed.publish(change(2));
        feed.publish(change(3));
        assertThat(seen).as("buffered until live").isEmpty();
        watcher.replay(change(2)); // the replay read 2 from the history
        watcher.goLive();
        feed.publish(change(4));
        assertThat(revisions(seen)).containsExactly(2L, 3L, 4L);
        assertThat(watcher.lastSent()).isEqualTo(4);
    }

    @Test
    void aSnapshotCoversEverythingUpToItsHead() {
        List<Commit> seen = new ArrayList<>();
        ChangeFeed.Subscription watcher = feed.subscribe(0, seen::add);
        feed.publish(change(1));
        feed.publish(change(2));
        watcher.coveredThrough(1);
        watcher.goLive();
        assertThat(revisions(seen)).containsExactly(2L);
    }

    @Test
    void followSeesOnlyLaterChanges() {
        feed.publish(change(1));
        List<Commit> seen = new ArrayList<>();
        ChangeFeed.Subscription follower = feed.follow(seen::add);
        assertThat(follower.lastSent()).isEqualTo(1);
        feed.publish(change(2));
        assertThat(revisions(seen)).containsExactly(2L);
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() {
        List<Commit> seen = new ArrayList<>();
        ChangeFeed.Subscription a = feed.follow(seen::add);
        ChangeFeed.Subscription b = feed.subscribe(0, seen::add);
        feed.publish(change(1));
        assertThat(revisions(seen)).containsExactly(1L);
        seen.clear();
        b.close();
        a.close();
        feed.publish(change(2));
        b.goLive();
        b.replay(change(3));
        assertThat(seen).isEmpty();
    }
}
