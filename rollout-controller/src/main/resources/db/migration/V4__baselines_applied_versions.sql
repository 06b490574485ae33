-- The baseline of each above_baseline rule in a phase attempt, taken when the phase starts (in the
-- transaction that journals it) and read back after a restart or takeover, never recomputed.
CREATE TABLE rollout_baseline (
    rollout_id uuid             NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    phase_idx  int              NOT NULL,
    attempt    int              NOT NULL,
    rule_idx   int              NOT NULL,   -- position in the plan's rollback list
    value      double precision,            -- NULL: no baseline (the rule follows its signal's on_no_data)
    window_ms  bigint           NOT NULL,   -- the rule's baseline_window
    taken_at   timestamptz      NOT NULL,   -- the phase's start: the window ends here
    detail     text             NOT NULL,   -- how it was taken, or why there is none
    PRIMARY KEY (rollout_id, phase_idx, attempt, rule_idx)
);

-- The flag's version right after the phase set it (or found it at its target): a rollback's
-- SetFlags expects it without reading the flag first, and reads only when flag-service refuses.
ALTER TABLE rollout_change ADD COLUMN applied_version bigint;
