-- The registry: one row per registered ULID (stored as uuid, whose byte order is ULID time order).
-- Rows are never updated or deleted, which is what makes the Resolve cache safe.
CREATE TABLE reference (
    ulid           uuid        PRIMARY KEY,
    system         text        NOT NULL,
    reference_type text        NOT NULL,
    reference      text        NOT NULL,
    metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    registered_by  text        NOT NULL
);

-- Export filtered by system walks this index in ULID order; GetStats groups by system.
CREATE INDEX reference_system_ulid ON reference (system, ulid);

-- Directed links between registered ULIDs; Trace follows them both ways, hence an index on each end.
CREATE TABLE link (
    from_ulid  uuid        NOT NULL REFERENCES reference (ulid),
    to_ulid    uuid        NOT NULL REFERENCES reference (ulid),
    relation   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (from_ulid, to_ulid, relation)
);
CREATE INDEX link_to_from ON link (to_ulid, from_ulid);
