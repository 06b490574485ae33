package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.FlagVersionConflict;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Every flag write of the controller: compare-and-set on a fresh read, retried on a lost race, and
 * for a phase's writes the journal committed before the write, so the journal always holds the
 * value a rollback must restore.
 */
public final class FlagWriter {
    private static final Logger LOG = Logger.getLogger(FlagWriter.class);
    /** Compare-and-set writes of one flag that may lose to someone else's change before the step fails. */
    static final int ATTEMPTS = 5;

    private final FlagPort flags;
    private final RolloutStore store;
    private final RolloutLog log;

    public FlagWriter(FlagPort flags, RolloutStore store, RolloutLog log) {
        this.flags = flags;
        this.store = store;
        this.log = log;
    }

    /** The flag as it is now, for a phase's journal. */
    public Optional<FlagState> read(String flag) {
        return flags.getFlag(flag);
    }

    /**
     * Sets every journaled flag of a phase not yet applied in one SetFlags: flag-service changes
     * them together under one revision, or none of them, so no reader sees the phase half applied.
     * Each entry is rewritten to the flag as just read and committed before the write, which
     * expects those versions; a lost race reads all again and retries, failing the step after
     * {@value #ATTEMPTS} conflicts. A flag already at its target is only marked applied. The marks,
     * each with the version the flag is left at (what a rollback's write expects), and the
     * FLAG_SET events are saved in one transaction.
     */
    void applyAll(RolloutRecord r, PhaseRecord p, List<Change> entries, String reason) {
        List<Change> pending = entries;
        String conflict = "";
        for (int attempt = 1; attempt <= ATTEMPTS && !pending.isEmpty(); attempt++) {
            List<Change> journaled = new ArrayList<>();
            List<FlagPort.FlagWrite> writes = new ArrayList<>();
            List<String> messages = new ArrayList<>();
            List<String> written = new ArrayList<>();
            List<Change> already = new ArrayList<>();
            List<Change> marks = new ArrayList<>();
            for (Change ch : pending) {
                Optional<FlagState> now = flags.getFlag(ch.subject());
                String to = new FlagValue(ch.targetBasisPoints()).text();
                if (now.isPresent() && now.get().basisPoints() == ch.targetBasisPoints()) {
                    already.add(ch);
                    marks.add(ch.markApplied(now.get().version()));
                    messages.add("flag " + ch.subject() + " already " + to + " (version " + now.get().version() + ")");
                    continue;
                }
                Change j = ch.withPrevious(now.isPresent(), now.map(FlagState::basisPoints).orElse(null),
                        now.map(FlagState::version).orElse(null));
                store.journalPrevious(j, p.name(), ch.equals(j) ? null : "flag " + ch.subject() + " changed since the phase's"
                        + " journal was taken: " + previousText(ch) + " -> " + FlagState.text(now) + "; a rollback restores the latter",
                        RolloutLog.CONTROLLER);
                journaled.add(j);
                writes.add(new FlagPort.FlagWrite(ch.subject(), ch.targetBasisPoints(), expectedVersion(now), reason));
                written.add("flag " + ch.subject() + ": " + FlagState.text(now) + " -> " + to);
            }
            try {
                List<FlagState> set = writes.isEmpty() ? List.of() : flags.setFlags(writes);
                for (int k = 0; k < journaled.size(); k++) {
                    marks.add(journaled.get(k).markApplied(set.get(k).version()));
                }
                String together = writes.size() > 1 ? "; " + writes.size() + " flags set together in one write" : "";
                for (int k = 0; k < written.size(); k++) {
                    messages.add(written.get(k) + " (version " + set.get(k).version() + ")" + together);
                }
                log.marks(r.id(), new JournalMarks(p.name(), marks, messages));
                return;
            } catch (FlagVersionConflict e) {
                conflict = e.getMessage();
                LOG.infof("flags of phase %s changed between read and write (attempt %d of %d): %s", p.name(), attempt, ATTEMPTS,
                        conflict);
                List<Change> next = new ArrayList<>(journaled);
                next.addAll(already);
                pending = next;
            }
        }
        if (!pending.isEmpty() && !conflict.isEmpty()) {
            throw new StepFailure("the flags of phase " + p.name() + " changed between read and write in each of " + ATTEMPTS
                    + " attempts to set them; last: " + conflict);
        }
    }

    /**
     * Puts a phase's journaled flags back in one SetFlags, so no reader sees a rollback half done:
     * flags that existed before the phase to their previous value, and flags it created deleted
     * (delete entries of the same SetFlags, so the restore and the deletes are one revision). The
     * first write reads nothing: it expects the versions the journal says the phase left the flags
     * at. Only when flag-service refuses it (someone changed or deleted a flag since, or a crash left
     * the restore half recorded) are the flags read and the write retried on what was read, failing
     * the step after {@value #ATTEMPTS} refusals. Returns every entry's restored mark and every
     * FLAG_SET message, which the caller saves in one transaction with the phase rolled back: a
     * crash before it leaves the journal unrestored, and the next attempt finds the flags already
     * back (a refused write, a read) and only marks them.
     */
    JournalMarks restoreAll(RolloutRecord r, PhaseRecord p, List<Change> entries, String reason) {
        List<String> messages = new ArrayList<>();
        Map<Change, Long> restored = entries.isEmpty() ? Map.of() : restore(p, entries, reason, messages);
        List<Change> marks = new ArrayList<>(entries.stream().map(Change::markRestored).toList());
        marks.addAll(earlierPhasesLeftAsRestored(r, p, restored));
        return new JournalMarks(p.name(), marks, messages);
    }

    /**
     * The entries of earlier phases whose flag this restore put back exactly as they left it (the
     * entry's applied version is the version the restored phase journaled as before it), with the
     * version the restore wrote: a rollback of those phases then needs no read either.
     */
    private List<Change> earlierPhasesLeftAsRestored(RolloutRecord r, PhaseRecord p, Map<Change, Long> restored) {
        List<Change> moved = new ArrayList<>();
        for (int i = p.idx() - 1; i >= 0 && !restored.isEmpty(); i--) {
            PhaseRecord earlier = r.phase(i);
            if (!earlier.state().touched()) {
                continue;
            }
            for (Change ch : store.changes(r.id(), i, earlier.attempt())) {
                restored.entrySet().stream().filter(e -> ch.kind() == Change.Kind.FLAG && !ch.restored()
                                && ch.subject().equals(e.getKey().subject()) && Objects.equals(ch.appliedVersion(), e.getKey().prevVersion()))
                        .findFirst().ifPresent(e -> moved.add(ch.markApplied(e.getValue())));
            }
        }
        return moved;
    }

    /**
     * The SetFlags that puts the flags back and deletes those the phase created, first on the
     * journal's versions, then on reads; returns each entry it set (not deleted) with the version it wrote.
     */
    private Map<Change, Long> restore(PhaseRecord p, List<Change> entries, String reason, List<String> messages) {
        String conflict = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            // the first attempt trusts the journal's versions where it has them; a retry reads every flag
            boolean fromJournal = attempt == 1 && entries.stream().anyMatch(ch -> ch.appliedVersion() != null);
            List<FlagPort.FlagWrite> writes = new ArrayList<>();
            List<Change> writing = new ArrayList<>();
            List<String> already = new ArrayList<>();
            List<String> written = new ArrayList<>();
            for (Change ch : entries) {
                Optional<FlagState> now = fromJournal && ch.appliedVersion() != null
                        ? Optional.of(new FlagState(ch.targetBasisPoints(), ch.appliedVersion())) : flags.getFlag(ch.subject());
                if (!ch.prevExists() && now.isEmpty()) {
                    already.add("flag " + ch.subject() + " already absent, as before the phase");
                } else if (!ch.prevExists()) {
                    writes.add(FlagPort.FlagWrite.deletion(ch.subject(), now.get().version(), reason));
                    written.add("flag " + ch.subject() + " deleted: " + FlagState.text(now) + " -> absent, as before the phase");
                } else if (now.isPresent() && now.get().basisPoints() == ch.prevBasisPoints()) {
                    already.add("flag " + ch.subject() + " already at its previous value " + new FlagValue(ch.prevBasisPoints()).text());
                } else {
                    writes.add(new FlagPort.FlagWrite(ch.subject(), ch.prevBasisPoints(), expectedVersion(now), reason));
                    writing.add(ch);
                    written.add("flag " + ch.subject() + " restored: " + FlagState.text(now) + " -> "
                            + new FlagValue(ch.prevBasisPoints()).text() + " (value of version " + ch.prevVersion() + ", now version ");
                }
            }
            try {
                List<FlagState> set = writes.isEmpty() ? List.of() : flags.setFlags(writes);
                String together = writes.size() > 1 ? "; " + writes.size() + " flags restored together in one write" : "";
                messages.addAll(already);
                Map<Change, Long> versions = new HashMap<>();
                int w = 0;
                for (int k = 0; k < writes.size(); k++) {
                    if (writes.get(k).delete()) {
                        messages.add(written.get(k) + together);
                    } else {
                        messages.add(written.get(k) + set.get(k).version() + ")" + together);
                        versions.put(writing.get(w++), set.get(k).version());
                    }
                }
                return versions;
            } catch (FlagVersionConflict e) {
                conflict = e.getMessage();
                messages.add("flag-service refused the restore of phase " + p.name() + " (attempt " + attempt + " of " + ATTEMPTS
                        + (fromJournal ? ", on the versions the phase left" : ", on the flags as read") + "): " + conflict
                        + "; reading the flags again");
                LOG.infof("flags of phase %s changed before their restore (attempt %d of %d): %s", p.name(), attempt, ATTEMPTS,
                        conflict);
            }
        }
        throw new StepFailure("the flags of phase " + p.name() + " changed between read and write in each of " + ATTEMPTS
                + " attempts to restore them; last: " + conflict);
    }

    /** The expected_version of a write that replaces {@code now}; 0, "do not check", only for a flag read as absent. */
    private static long expectedVersion(Optional<FlagState> now) {
        return now.map(FlagState::version).orElse(0L);
    }

    private static String previousText(Change ch) {
        return ch.prevExists() ? new FlagValue(ch.prevBasisPoints()).text() + " (v" + ch.prevVersion() + ")" : "absent";
    }
}
