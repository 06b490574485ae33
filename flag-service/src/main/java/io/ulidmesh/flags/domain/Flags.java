package io.ulidmesh.flags.domain;

import io.ulidmesh.common.error.DomainException;
import java.util.List;
import java.util.function.Consumer;

/** The flag use cases: validated writes that update this replica's table at once, reads and Watch. */
public final class Flags {
    private static final int REPLAY_PAGE = 1000;
    private final FlagRepository repository;
    private final FlagTable table;
    private final ChangeFeed feed;

    public Flags(FlagRepository repository, FlagTable table, ChangeFeed feed) {
        this.repository = repository;
        this.table = table;
        this.feed = feed;
    }

    public Written set(SetFlagCommand command, String actor) {
        Written written = repository.set(command, actor);
        if (written.change() != null) {
            table.apply(written.change());
        }
        return written;
    }

    public FlagChange delete(String name, long expectedVersion, String reason, String actor) {
        FlagChange change = repository.delete(FlagRules.name(name), FlagRules.expectedVersion(expectedVersion),
                FlagRules.text("reason", reason), actor);
        table.apply(change);
        return change;
    }

    public FlagState get(String name) {
        return repository.find(FlagRules.name(name))
                .orElseThrow(() -> DomainException.notFound("flag '" + name + "' does not exist"));
    }

    public List<FlagState> list(String afterName, int limit) {
        return repository.list(afterName, limit);
    }

    public List<FlagChange> history(String name, long beforeRevision, int limit) {
        List<FlagChange> changes = repository.history(FlagRules.name(name), beforeRevision, limit);
        if (changes.isEmpty() && beforeRevision == Long.MAX_VALUE) {
            throw DomainException.notFound("flag '" + name + "' has no history: it never existed");
        }
        return changes;
    }

    public Evaluation evaluate(String flag, String entityId) {
        return table.evaluate(flag, entityId);
    }

    /**
     * Starts a watcher: after revision 0 a snapshot (each flag as its latest change, type UPSERTED,
     * passed to {@code snapshot}), else every change after {@code afterRevision}; then live changes.
     * The caller closes the returned subscription when the watcher goes away.
     */
    public ChangeFeed.Subscription watch(long afterRevision, Consumer<FlagChange> snapshot, Consumer<FlagChange> changes) {
        ChangeFeed.Subscription subscription = feed.subscribe(FlagRules.afterRevision(afterRevision), changes);
        try {
            if (afterRevision == 0) {
                Snapshot current = repository.snapshot();
                current.flags().forEach(snapshot);
                subscription.coveredThrough(current.head());
            } else {
                long head = repository.head();
                if (afterRevision > head) {
                    throw DomainException.failedPrecondition("after_revision " + afterRevision
                            + " is beyond the latest revision " + head + " of this flag database");
                }
                replay(subscription);
            }
            subscription.goLive();
            return subscription;
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
    }

    /** Live changes only, from the latest revision on (for streams that need no replay). */
    public ChangeFeed.Subscription follow(Consumer<FlagChange> changes) {
        return feed.follow(changes);
    }

    public List<FlagState> all() {
        return table.all();
    }

    public FlagTable table() {
        return table;
    }

    private void replay(ChangeFeed.Subscription subscription) {
        while (true) {
            List<FlagChange> page = repository.changesAfter(subscription.lastSent(), REPLAY_PAGE);
            page.forEach(subscription::replay);
            if (page.size() < REPLAY_PAGE) {
                return;
            }
        }
    }
}
