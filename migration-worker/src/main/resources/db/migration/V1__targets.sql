-- Databases the worker may change. password_encrypted is AES-GCM (nonce || ciphertext) under
-- ulidmesh.migration.secret-key; NULL when there is no password or no key is configured (then the
-- password lives in the worker's memory only).
CREATE TABLE target (
    name               text PRIMARY KEY,
    jdbc_url           text NOT NULL,
    username           text NOT NULL DEFAULT '',
    has_password       boolean NOT NULL DEFAULT false,
    password_encrypted bytea,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- One migration of one table. Names are stored as the target's catalog spells them.
-- checkpoint_key / last_ulid / pass are the backfill's checkpoint: the last key of the last batch
-- reserved, the last ULID minted (the generator's state) and the pass over the table.
CREATE TABLE migration (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL,
    target              text NOT NULL REFERENCES target (name),
    table_name          text NOT NULL,
    key_column          text NOT NULL,
    key_kind            text NOT NULL,
    ulid_column         text NOT NULL,
    legacy_column       text NOT NULL DEFAULT '',
    legacy_type         text NOT NULL DEFAULT '',
    legacy_not_null     boolean NOT NULL DEFAULT false,
    timestamp_column    text NOT NULL DEFAULT '',
    batch_size          integer NOT NULL,
    max_rows_per_second integer NOT NULL,
    state               text NOT NULL,
    settled_state       text NOT NULL,
    rows_total          bigint NOT NULL DEFAULT 0,
    baseline_rows       bigint NOT NULL DEFAULT 0,
    rows_backfilled     bigint NOT NULL DEFAULT 0,
    rows_per_second     double precision NOT NULL DEFAULT 0,
    checkpoint_key      text,
    last_ulid           text NOT NULL DEFAULT '',
    pass                integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    last_error          text NOT NULL DEFAULT ''
);
CREATE INDEX migration_target ON migration (target, id);

-- Every step and state change, with who and why (append-only).
CREATE TABLE migration_event (
    id           bigserial PRIMARY KEY,
    migration_id uuid NOT NULL REFERENCES migration (id),
    at           timestamptz NOT NULL DEFAULT now(),
    step         text NOT NULL,
    from_state   text NOT NULL,
    to_state     text NOT NULL,
    actor        text NOT NULL,
    reason       text NOT NULL DEFAULT '',
    detail       text NOT NULL DEFAULT ''
);
CREATE INDEX migration_event_migration ON migration_event (migration_id, id);
