-- A SetFlags changes several flags in one transaction under one revision, so a revision names a
-- commit and a change is (revision, name). "before" of a change is the same flag's change at
-- previous_revision.
ALTER TABLE flag_change DROP CONSTRAINT flag_change_previous_revision_fkey;
ALTER TABLE flag_change DROP CONSTRAINT flag_change_pkey;
ALTER TABLE flag_change ADD PRIMARY KEY (revision, name);
ALTER TABLE flag_change ADD CONSTRAINT flag_change_previous FOREIGN KEY (previous_revision, name)
    REFERENCES flag_change (revision, name);
