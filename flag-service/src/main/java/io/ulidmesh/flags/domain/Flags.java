package io.ulidmesh.flags.domain;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.paging.PageTokens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The flag use cases: validated writes that update this replica's table at once, paged reads,
 * evaluations from the table, Watch, and bringing in the changes made through other replicas.
 */
public final class Flags {
    private static final int CHANGES_PAGE = 1000;
    private static final String LIST = "ListFlags";

    private final FlagRepository repository;
    private final FlagTable table;
    private final ChangeFeed feed;
    private final InProcessAgreement inProcess;

    public Flags(FlagRepository repository, FlagTable table, ChangeFeed feed) {
        this(repository, table, feed, InProcessAgreement.NONE);
    }

    /** {@code inProcess}: what a write does to a percentage flagd's in-process providers cannot express. */
    public Flags(FlagRepository repository, FlagTable table, ChangeFeed feed, InProcessAgreement inProcess) {
        this.repository = repository;
        this.table = table;
        this.feed = feed;
        this.inProcess = inProcess;
    }

    /** Fills the table from the database and moves the feed to its head; once, before anything reads. */
    public void load() {
        Snapshot snapshot = repository.snapshot();
        table.applyAll(snapshot.flags());
        feed.startAt(snapshot.head());
    }

    /** Applies and publishes, in revision order, every recorded change this replica has not published yet. */
    public void catchUp() {
        List<Commit> commits;
        do {
            commits = repository.commitsAfter(feed.published(), CHANGES_PAGE);
            for (Commit commit : commits) {
                table.apply(commit);
                feed.publish(commit);
            }
        } while (commits.size() == CHANGES_PAGE);
    }

    /** The last revision this replica published to its watchers. */
    public long published() {
        return feed.published();
    }

    /** One flag (SetFlag), which it does not delete: DeleteFlag does. */
    public Written set(SetFlagCommand command, String actor) {
        if (command.delete()) {
            throw DomainException.invalid("delete is for SetFlags entries; DeleteFlag deletes one flag");
        }
        return set(List.of(command), actor);
    }

    /** Several flags in one commit, set or deleted: all change or none does (SetFlags). */
    public Written set(List<SetFlagCommand> commands, String actor) {
        FlagRules.writeCount(commands.size());
        List<SetFlagCommand> valid = new ArrayList<>(commands.size());
        Map<String, SetFlagCommand> byName = new HashMap<>();
        for (SetFlagCommand command : commands) {
            SetFlagCommand checked = validated(command);
            SetFlagCommand other = byName.putIfAbsent(checked.name(), checked);
            if (other != null) {
                throw DomainException.invalid("flag '" + checked.name() + "' is "
                        + (other.delete() != checked.delete() ? "both set and deleted" : "named twice") + " in one write");
            }
            valid.add(checked);
        }
        inProcess.check(valid);
        Written written = repository.set(valid, actor);
        if (written.changed()) {
            table.apply(written.commit());
        }
        return written;
    }

    private static SetFlagCommand validated(SetFlagCommand command) {
        if (command.delete() && (command.basisPoints() != null || !command.description().isEmpty()
                || !command.cohort().isEmpty())) {
            throw DomainException.invalid("flag '" + FlagRules.name(command.name())
                    + "' is deleted, so its entry sets no state, description or cohort");
        }
        Integer basisPoints = command.basisPoints() == null ? null : FlagRules.basisPoints(command.basisPoints());
        return new SetFlagCommand(FlagRules.name(command.name()), basisPoints,
                FlagRules.text("reason", command.reason()), FlagRules.expectedVersion(command.expectedVersion()),
                FlagRules.text("description", command.description()), FlagRules.cohort(command.cohort()),
                command.delete());
    }

    public RecordedChange delete(String name, long expectedVersion, String reason, String actor) {
        RecordedChange change = repository.delete(FlagRules.name(name), FlagRules.expectedVersion(expectedVersion),
                FlagRules.text("reason", reason), actor);
        table.apply(Commit.of(change));
        return change;
    }

    public FlagState get(String name) {
        return repository.find(FlagRules.name(name))
                .orElseThrow(() -> DomainException.notFound("flag '" + name + "' does not exist"));
    }

    /** Flags by name, from the database. */
    public Page<FlagState> list(String pageToken, int pageSize) {
        int size = FlagRules.pageSize(pageSize);
        String after = PageTokens.read(LIST, pageToken, "", FlagRules::name);
        return Page.of(repository.list(after, size + 1), size, LIST, FlagState::name);
    }

    /** One flag's changes, newest first; NOT_FOUND when the flag never existed. */
    public Page<RecordedChange> history(String name, String pageToken, int pageSize) {
        String listing = "History of " + FlagRules.name(name);
        int size = FlagRules.pageSize(pageSize);
        long before = PageTokens.read(listing, pageToken, Long.MAX_VALUE, Flags::revision);
        List<RecordedChange> changes = repository.history(name, before, size + 1);
        if (changes.isEmpty() && before == Long.MAX_VALUE) {
            throw DomainException.notFound("flag '" + name + "' has no history: it never existed");
        }
        return Page.of(changes, size, listing, change -> Long.toString(change.revision()));
    }

    private static long revision(String position) {
        long revision = Long.parseLong(position);
        if (revision <= 0) {
            throw new IllegalArgumentException("revisions start at 1");
        }
        return revision;
    }

    /**
     * From this replica's table; an unknown (or malformed) flag is FLAG_NOT_FOUND, never an error.
     * Only a NUL in a field is INVALID_ARGUMENT, like in every other string field.
     */
    public EvaluationResult evaluate(String flag, String entityId) {
        FlagRules.withoutNul("flag", flag);
        FlagRules.withoutNul("entity_id", entityId);
        return table.evaluate(flag, entityId);
    }

    /** Every (flag, entity) pair, flag-major; at most {@value FlagRules#MAX_BATCH_PAIRS} pairs. */
    public List<EvaluationResult> evaluate(List<String> flags, List<String> entityIds) {
        FlagRules.batchSize(flags.size(), entityIds.size());
        withoutNul("flags", flags);
        withoutNul("entity_ids", entityIds);
        List<EvaluationResult> results = new ArrayList<>(flags.size() * entityIds.size());
        FlagTable.View now = table.view();
        for (String flag : flags) {
            for (String entityId : entityIds) {
                results.add(now.evaluate(flag, entityId));
            }
        }
        return results;
    }

    /** Every live flag evaluated for one entity, by name. */
    public List<EvaluationResult> evaluateAll(String entityId) {
        FlagRules.withoutNul("entity_id", entityId);
        return table.all().stream().map(flag -> FlagTable.evaluate(flag, entityId)).toList();
    }

    /** The live flag of that name in this replica's table, or null. */
    public FlagState current(String name) {
        return table.get(name);
    }

    /** Whether this replica's table holds a live flag of that name. */
    public boolean exists(String name) {
        return table.get(name) != null;
    }

    /** The element's index is named only when it is refused, so the common case builds no strings. */
    private static void withoutNul(String field, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).indexOf('\u0000') >= 0) {
                FlagRules.withoutNul(field + "[" + i + "]", values.get(i));
            }
        }
    }

    /** Every live flag in this replica's table, by name. */
    public List<FlagState> all() {
        return table.all();
    }

    /** This replica's table as it is now, replaced by each commit it applies (its own writes at once). */
    public FlagTable.View view() {
        return table.view();
    }

    /**
     * Starts a watcher: after revision 0 a snapshot (each flag as its latest change, all passed to
     * {@code snapshot} at once), else every commit after {@code afterRevision}; then live commits.
     * The caller closes the returned subscription when the watcher goes away.
     */
    public ChangeFeed.Subscription watch(long afterRevision, Consumer<List<RecordedChange>> snapshot,
                                         Consumer<Commit> changes) {
        ChangeFeed.Subscription subscription = feed.subscribe(FlagRules.afterRevision(afterRevision), changes);
        try {
            if (afterRevision == 0) {
                Snapshot current = repository.snapshot();
                snapshot.accept(current.flags());
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

    /** Live commits only, from the latest revision on (for streams that need no replay). */
    public ChangeFeed.Subscription follow(Consumer<Commit> changes) {
        return feed.follow(changes);
    }

    private void replay(ChangeFeed.Subscription subscription) {
        List<Commit> page;
        do {
            page = repository.commitsAfter(subscription.lastSent(), CHANGES_PAGE);
            page.forEach(subscription::replay);
        } while (page.size() == CHANGES_PAGE);
    }
}
