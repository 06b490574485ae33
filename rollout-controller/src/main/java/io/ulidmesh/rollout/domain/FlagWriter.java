package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.RolloutEventRecord.EventType;
import io.ulidmesh.rollout.domain.plan.FlagValue;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.FlagState;
import io.ulidmesh.rollout.domain.port.FlagVersionConflict;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import io.ulidmesh.rollout.domain.port.FlagPort;
import java.util.ArrayList;
import java.util.List;
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

    /** Sets a journaled flag to the phase's value, marks the entry applied and logs the FLAG_SET event. */
    void apply(RolloutRecord r, PhaseRecord p, Change ch, String reason) {
        String message = compareAndSet(ch.subject(), "set it to " + new FlagValue(ch.targetBasisPoints()).text(),
                now -> applyOnce(p, ch, now, reason));
        logSet(r, p, message);
    }

    /** Puts a journaled flag back as the journal recorded it, marks the entry restored and logs the FLAG_SET event. */
    void restore(RolloutRecord r, PhaseRecord p, Change ch, String reason) {
        String message = compareAndSet(ch.subject(), "restore it to " + previousText(ch), now -> restoreOnce(ch, now, reason));
        store.updateChange(ch.markRestored());
        logSet(r, p, message);
    }

    /**
     * Sets every journaled flag of a phase not yet applied in one SetFlags: flag-service changes
     * them together under one revision, or none of them, so no reader sees the phase half applied.
     * Each entry is rewritten to the flag as just read and committed before the write, which
     * expects those versions; a lost race reads all again and retries, failing the step after
     * {@value #ATTEMPTS} conflicts. A flag already at its target is only marked applied.
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
            for (Change ch : pending) {
                Optional<FlagState> now = flags.getFlag(ch.subject());
                String to = new FlagValue(ch.targetBasisPoints()).text();
                if (now.isPresent() && now.get().basisPoints() == ch.targetBasisPoints()) {
                    already.add(ch);
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
                already.forEach(ch -> store.updateChange(ch.markApplied()));
                journaled.forEach(j -> store.updateChange(j.markApplied()));
                String together = writes.size() > 1 ? "; " + writes.size() + " flags set together in one write" : "";
                messages.forEach(m -> logSet(r, p, m));
                for (int k = 0; k < written.size(); k++) {
                    logSet(r, p, written.get(k) + " (version " + set.get(k).version() + ")" + together);
                }
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
     * Puts a phase's journaled flags back in one SetFlags (those that existed before it), so no
     * reader sees a rollback half done; flags the phase created are deleted after it, one by one
     * (flag-service has no multi-flag delete). Each entry is marked restored.
     */
    void restoreAll(RolloutRecord r, PhaseRecord p, List<Change> entries, String reason) {
        List<Change> created = entries.stream().filter(ch -> !ch.prevExists()).toList();
        List<Change> existed = entries.stream().filter(Change::prevExists).toList();
        String conflict = "";
        boolean done = existed.isEmpty();
        for (int attempt = 1; attempt <= ATTEMPTS && !done; attempt++) {
            List<FlagPort.FlagWrite> writes = new ArrayList<>();
            List<String> messages = new ArrayList<>();
            List<String> written = new ArrayList<>();
            for (Change ch : existed) {
                Optional<FlagState> now = flags.getFlag(ch.subject());
                String prev = new FlagValue(ch.prevBasisPoints()).text();
                if (now.isPresent() && now.get().basisPoints() == ch.prevBasisPoints()) {
                    messages.add("flag " + ch.subject() + " already at its previous value " + prev);
                } else {
                    writes.add(new FlagPort.FlagWrite(ch.subject(), ch.prevBasisPoints(), expectedVersion(now), reason));
                    written.add("flag " + ch.subject() + " restored: " + FlagState.text(now) + " -> " + prev + " (value of version "
                            + ch.prevVersion() + ", now version ");
                }
            }
            try {
                List<FlagState> set = writes.isEmpty() ? List.of() : flags.setFlags(writes);
                existed.forEach(ch -> store.updateChange(ch.markRestored()));
                String together = writes.size() > 1 ? "; " + writes.size() + " flags restored together in one write" : "";
                messages.forEach(m -> logSet(r, p, m));
                for (int k = 0; k < written.size(); k++) {
                    logSet(r, p, written.get(k) + set.get(k).version() + ")" + together);
                }
                done = true;
            } catch (FlagVersionConflict e) {
                conflict = e.getMessage();
                LOG.infof("flags of phase %s changed between read and restore (attempt %d of %d): %s", p.name(), attempt, ATTEMPTS,
                        conflict);
            }
        }
        if (!done) {
            throw new StepFailure("the flags of phase " + p.name() + " changed between read and write in each of " + ATTEMPTS
                    + " attempts to restore them; last: " + conflict);
        }
        created.forEach(ch -> restore(r, p, ch, reason));
    }

    private void logSet(RolloutRecord r, PhaseRecord p, String message) {
        log.event(r.id(), EventType.FLAG_SET, p.name(), message);
        LOG.infof("rollout %s phase %s: %s", r.id(), p.name(), message);
    }

    /**
     * One attempt to set a journaled flag to its target, given the flag as just read. The journal
     * entry is rewritten to that read (value and version) and committed before the write, and the
     * write expects that version: flag-service applies it only if nothing changed in between, so
     * the journal always holds the value the write replaced. A crash before the write leaves the
     * flag as journaled; a crash after it leaves the flag at the target, which the next attempt
     * finds and only marks applied (it cannot tell its own write from an operator's setting the
     * same value, so the journal is kept as it is then). Writing first and journaling after would
     * lose the previous value to a crash in between.
     */
    private String applyOnce(PhaseRecord p, Change ch, Optional<FlagState> now, String reason) throws FlagVersionConflict {
        String to = new FlagValue(ch.targetBasisPoints()).text();
        if (now.isPresent() && now.get().basisPoints() == ch.targetBasisPoints()) {
            store.updateChange(ch.markApplied());
            return "flag " + ch.subject() + " already " + to + " (version " + now.get().version() + ")";
        }
        Change journaled = ch.withPrevious(now.isPresent(), now.map(FlagState::basisPoints).orElse(null),
                now.map(FlagState::version).orElse(null));
        store.journalPrevious(journaled, p.name(), ch.equals(journaled) ? null : "flag " + ch.subject() + " changed since the"
                + " phase's journal was taken: " + previousText(ch) + " -> " + FlagState.text(now) + "; a rollback restores the latter",
                RolloutLog.CONTROLLER);
        FlagState set = flags.setFlag(ch.subject(), ch.targetBasisPoints(), expectedVersion(now), reason);
        store.updateChange(journaled.markApplied());
        return "flag " + ch.subject() + ": " + FlagState.text(now) + " -> " + to + " (version " + set.version() + ")";
    }

    /** One attempt to put a flag back as the journal recorded it, given the flag as just read; the write expects that read. */
    private String restoreOnce(Change ch, Optional<FlagState> now, String reason) throws FlagVersionConflict {
        if (!ch.prevExists()) {
            if (now.isPresent() && flags.deleteFlag(ch.subject(), now.get().version(), reason)) {
                return "flag " + ch.subject() + " deleted: " + FlagState.text(now) + " -> absent, as before the phase";
            }
            return "flag " + ch.subject() + " already absent, as before the phase";
        }
        if (now.isPresent() && now.get().basisPoints() == ch.prevBasisPoints()) {
            return "flag " + ch.subject() + " already at its previous value " + new FlagValue(ch.prevBasisPoints()).text();
        }
        FlagState set = flags.setFlag(ch.subject(), ch.prevBasisPoints(), expectedVersion(now), reason);
        return "flag " + ch.subject() + " restored: " + FlagState.text(now) + " -> " + new FlagValue(ch.prevBasisPoints()).text()
                + " (value of version " + ch.prevVersion() + ", now version " + set.version() + ")";
    }

    /** One write of a flag attempted on a fresh read of it; a {@link FlagVersionConflict} means read again. */
    @FunctionalInterface
    private interface Write {
        String attempt(Optional<FlagState> now) throws FlagVersionConflict;
    }

    /**
     * Runs {@code write} on a fresh read of {@code flag} until flag-service accepts its
     * compare-and-set: someone else's change between read and write is read and built on, never
     * overwritten. Fails the step after {@value #ATTEMPTS} conflicts in a row.
     */
    private String compareAndSet(String flag, String goal, Write write) {
        String conflict = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return write.attempt(flags.getFlag(flag));
            } catch (FlagVersionConflict e) {
                conflict = e.getMessage();
                LOG.infof("flag %s changed between read and write (attempt %d of %d to %s): %s", flag, attempt, ATTEMPTS, goal,
                        conflict);
            }
        }
        throw new StepFailure("flag " + flag + " changed between read and write in each of " + ATTEMPTS
                + " attempts to " + goal + "; last: " + conflict);
    }

    /** The expected_version of a write that replaces {@code now}; 0, "do not check", only for a flag read as absent. */
    private static long expectedVersion(Optional<FlagState> now) {
        return now.map(FlagState::version).orElse(0L);
    }

    private static String previousText(Change ch) {
        return ch.prevExists() ? new FlagValue(ch.prevBasisPoints()).text() + " (v" + ch.prevVersion() + ")" : "absent";
    }
}
