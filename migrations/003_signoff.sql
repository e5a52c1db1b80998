-- Sign-off: who applied, recorded, baselined or rolled back each migration, when, from which
-- commit and host. gitgate.migrations says what the database has now; gitgate.history keeps
-- every apply, record, baseline and rollback, so a rollback does not erase who deployed what.
ALTER TABLE gitgate.migrations ADD COLUMN IF NOT EXISTS git_user_name text;
ALTER TABLE gitgate.migrations ADD COLUMN IF NOT EXISTS git_user_email text;
ALTER TABLE gitgate.migrations ADD COLUMN IF NOT EXISTS host text;
COMMENT ON COLUMN gitgate.migrations.git_user_name IS 'git user.name of whoever applied or recorded it';
COMMENT ON COLUMN gitgate.migrations.git_user_email IS 'git user.email of whoever applied or recorded it';
COMMENT ON COLUMN gitgate.migrations.host IS 'The machine gitgate ran on';

CREATE TABLE IF NOT EXISTS gitgate.history (
    id             bigserial PRIMARY KEY,
    version        text NOT NULL,
    name           text NOT NULL,
    path           text NOT NULL,
    checksum       text NOT NULL,
    action         text NOT NULL CHECK (action IN ('applied', 'recorded', 'baselined', 'rolled-back')),
    at             timestamptz NOT NULL DEFAULT now(),
    db_user        text NOT NULL DEFAULT session_user,
    os_user        text,
    git_user_name  text,
    git_user_email text,
    git_commit     text,
    git_branch     text,
    host           text,
    duration_ms    integer,
    reason         text
);
COMMENT ON TABLE gitgate.history IS 'Every gitgate apply, record, baseline and rollback on this database, oldest first: gitgate log lists it';
CREATE INDEX IF NOT EXISTS history_version_idx ON gitgate.history (version);
COMMENT ON INDEX gitgate.history_version_idx IS 'One migration''s history: its sign-off for the merge trailers';

-- What the ledger knew before this step: each row as its apply or record, with the sign-off it had.
INSERT INTO gitgate.history (version, name, path, checksum, action, at, db_user, os_user, git_commit, git_branch, duration_ms, reason)
SELECT version, name, path, checksum, how, applied_at, db_user, os_user, git_commit, git_branch, duration_ms, unverified_reason
FROM gitgate.migrations
WHERE NOT EXISTS (SELECT 1 FROM gitgate.history)
ORDER BY applied_at, version;
