-- Current flag state; the history and change sequence come with the flag RPCs.
CREATE TABLE flag (
    name         text        PRIMARY KEY,
    description  text        NOT NULL DEFAULT '',
    basis_points integer     NOT NULL CHECK (basis_points BETWEEN 0 AND 10000),
    cohort       text        NOT NULL,
    version      bigint      NOT NULL,
    updated_at   timestamptz NOT NULL,
    updated_by   text        NOT NULL,
    reason       text        NOT NULL DEFAULT ''
);
