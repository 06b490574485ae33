-- The registry: one row per registered ULID (stored as uuid, whose byte order is ULID time order).
CREATE TABLE reference (
    ulid           uuid        PRIMARY KEY,
    system         text        NOT NULL,
    reference_type text        NOT NULL,
    reference      text        NOT NULL,
    metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    registered_at  timestamptz NOT NULL DEFAULT now()
);
