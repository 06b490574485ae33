-- Rollouts, their phases, the journal of what each phase attempt changes, and the event log.
CREATE TABLE rollout (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL,
    state         text        NOT NULL,
    plan_yaml     text        NOT NULL,
    current_phase int         NOT NULL DEFAULT -1,
    last_reason   text        NOT NULL DEFAULT '',
    -- PHASE (back to the previous phase) or ABORT (undo every phase) while ROLLING_BACK
    rollback_kind text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rollout_active ON rollout (state) WHERE state IN ('RUNNING', 'ROLLING_BACK');

CREATE TABLE rollout_phase (
    rollout_id        uuid        NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    idx               int         NOT NULL,
    name              text        NOT NULL,
    state             text        NOT NULL,
    -- +1 each time Resume retries the phase; the journal is kept per attempt
    attempt           int         NOT NULL DEFAULT 0,
    bake_until        timestamptz,
    -- bake left when paused: the bake clock stops while paused
    bake_remaining_ms bigint,
    gate_passed       boolean     NOT NULL DEFAULT false,
    started_at        timestamptz,
    finished_at       timestamptz,
    PRIMARY KEY (rollout_id, idx)
);

-- Written BEFORE a phase attempt changes anything: what it will change and how things were.
CREATE TABLE rollout_change (
    rollout_id          uuid    NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    phase_idx           int     NOT NULL,
    attempt             int     NOT NULL,
    pos                 int     NOT NULL,
    kind                text    NOT NULL,           -- FLAG or MIGRATION
    subject             text    NOT NULL,           -- flag name, or the migration's name on the worker
    prev_exists         boolean NOT NULL DEFAULT false,
    prev_basis_points   int,
    prev_version        bigint,
    target_basis_points int,
    migration_index     int,
    migration_id        text,
    steps_done          int     NOT NULL DEFAULT 0,
    applied             boolean NOT NULL DEFAULT false,
    restored            boolean NOT NULL DEFAULT false,
    PRIMARY KEY (rollout_id, phase_idx, attempt, pos)
);

CREATE TABLE rollout_event (
    rollout_id uuid        NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    sequence   bigint      NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    type       text        NOT NULL,
    phase      text        NOT NULL DEFAULT '',
    message    text        NOT NULL,
    actor      text        NOT NULL,
    PRIMARY KEY (rollout_id, sequence)
);
