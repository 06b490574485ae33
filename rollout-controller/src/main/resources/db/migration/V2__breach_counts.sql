-- Each rollback rule's breaches in a row in a phase attempt, written as they change, so a new
-- leader (after a takeover or a restart) continues counting where the previous one stopped.
-- A row exists only while its count is above 0. Keyed by phase attempt: a new phase or a retry
-- counts from 0 even if rows of an earlier one were left behind.
CREATE TABLE rollout_breach_count (
    rollout_id uuid NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    phase_idx  int  NOT NULL,
    attempt    int  NOT NULL,
    rule_idx   int  NOT NULL,              -- position in the plan's rollback list
    in_a_row   int  NOT NULL CHECK (in_a_row > 0),
    PRIMARY KEY (rollout_id, phase_idx, attempt, rule_idx)
);
