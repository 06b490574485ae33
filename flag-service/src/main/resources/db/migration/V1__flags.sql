-- The global change sequence: every change of any flag takes the next revision. Writers take a
-- transaction-level advisory lock before drawing one, so revisions commit in order and a watcher
-- that has read revision N has seen every change up to N.
CREATE SEQUENCE flag_revision;

-- Current flag state.
CREATE TABLE flag (
    name         text        PRIMARY KEY,
    description  text        NOT NULL DEFAULT '',
    basis_points integer     NOT NULL CHECK (basis_points BETWEEN 0 AND 10000),
    cohort       text        NOT NULL,
    version      bigint      NOT NULL,
    updated_at   timestamptz NOT NULL,
    updated_by   text        NOT NULL,
    reason       text        NOT NULL DEFAULT '',
    revision     bigint      NOT NULL
);

-- The append-only history, written in the same transaction as the change. The flag columns hold
-- the state after an UPSERTED change and the last state before a DELETED one; "before" of a change
-- is the state of previous_revision (NULL when the change created the flag).
CREATE TABLE flag_change (
    revision          bigint      PRIMARY KEY,
    type              text        NOT NULL CHECK (type IN ('UPSERTED', 'DELETED')),
    name              text        NOT NULL,
    description       text        NOT NULL,
    basis_points      integer     NOT NULL,
    cohort            text        NOT NULL,
    version           bigint      NOT NULL,
    updated_at        timestamptz NOT NULL,
    updated_by        text        NOT NULL,
    flag_reason       text        NOT NULL,
    previous_revision bigint      REFERENCES flag_change (revision),
    at                timestamptz NOT NULL,
    actor             text        NOT NULL,
    reason            text        NOT NULL
);
CREATE INDEX flag_change_by_name ON flag_change (name, revision DESC);

-- The history is never rewritten.
CREATE FUNCTION flag_change_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'flag_change is append-only';
END $$;
CREATE TRIGGER flag_change_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON flag_change
    FOR EACH STATEMENT EXECUTE FUNCTION flag_change_is_append_only();
