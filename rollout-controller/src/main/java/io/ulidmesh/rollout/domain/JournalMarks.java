package io.ulidmesh.rollout.domain;

import java.util.List;

/**
 * Journal entries marked applied or restored by one flag write, with the FLAG_SET messages that say
 * what the write did, under the phase they belong to: they are saved together, in one transaction.
 */
public record JournalMarks(String phase, List<Change> changes, List<String> flagSetMessages) {
    public JournalMarks {
        changes = List.copyOf(changes);
        flagSetMessages = List.copyOf(flagSetMessages);
    }

    /** Nothing to save. */
    public static JournalMarks none(String phase) {
        return new JournalMarks(phase, List.of(), List.of());
    }
}
