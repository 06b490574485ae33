-- The registry partitioned by ULID time (docs/architecture.md, "Registry partitions"). A ULID stored
-- as uuid orders by its 48-bit millisecond time first, so a range of uuids is a range of time:
-- each index stays the size of its own period, and an old period can be detached.
--   reference_before_y2015       everything older (backfills mint ULIDs from old timestamps)
--   reference_yYYYY              one per year, 2015 to 2025
--   reference_yYYYYmMM           one per month from 2026; the service creates them ahead of time
--   reference_default            whatever lies beyond the months created so far
CREATE FUNCTION ulid_floor(at timestamptz) RETURNS uuid LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT (lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') || repeat('0', 20))::uuid
$$;

ALTER TABLE link DROP CONSTRAINT link_from_ulid_fkey;
ALTER TABLE link DROP CONSTRAINT link_to_ulid_fkey;
ALTER TABLE reference RENAME TO reference_unpartitioned;
ALTER INDEX reference_pkey RENAME TO reference_unpartitioned_pkey;
ALTER INDEX reference_system_ulid RENAME TO reference_unpartitioned_system_ulid;

CREATE TABLE reference (LIKE reference_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (ulid);
ALTER TABLE reference ADD PRIMARY KEY (ulid);
-- Export filtered by system walks this index in ULID order; GetStats groups by system.
CREATE INDEX reference_system_ulid ON reference (system, ulid);

CREATE TABLE reference_before_y2015 PARTITION OF reference
    FOR VALUES FROM (MINVALUE) TO (ulid_floor('2015-01-01 00:00:00+00'));
DO $$
DECLARE
    year int;
    month timestamptz;
BEGIN
    FOR year IN 2015..2025 LOOP
        EXECUTE format('CREATE TABLE reference_y%s PARTITION OF reference FOR VALUES FROM (%L) TO (%L)', year,
                       ulid_floor(make_timestamptz(year, 1, 1, 0, 0, 0, 'UTC')),
                       ulid_floor(make_timestamptz(year + 1, 1, 1, 0, 0, 0, 'UTC')));
    END LOOP;
    month := '2026-01-01 00:00:00+00';
    WHILE month <= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '3 months' LOOP
        EXECUTE format('CREATE TABLE reference_%s PARTITION OF reference FOR VALUES FROM (%L) TO (%L)',
                       to_char(month AT TIME ZONE 'UTC', '"y"YYYY"m"MM'), ulid_floor(month),
                       ulid_floor(month + interval '1 month'));
        month := month + interval '1 month';
    END LOOP;
END $$;
CREATE TABLE reference_default PARTITION OF reference DEFAULT;

INSERT INTO reference SELECT * FROM reference_unpartitioned;
DROP TABLE reference_unpartitioned;

-- Links still point at registered ULIDs; the keys now reach into the partitions. A partition that
-- a link points into cannot be detached.
ALTER TABLE link ADD CONSTRAINT link_from_ulid_fkey FOREIGN KEY (from_ulid) REFERENCES reference (ulid);
ALTER TABLE link ADD CONSTRAINT link_to_ulid_fkey FOREIGN KEY (to_ulid) REFERENCES reference (ulid);
