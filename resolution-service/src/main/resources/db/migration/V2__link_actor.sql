-- Who made each link (the token's sub), as every other change records its actor.
ALTER TABLE link ADD COLUMN linked_by text NOT NULL DEFAULT 'unknown (before V2)';
ALTER TABLE link ALTER COLUMN linked_by DROP DEFAULT;
