-- gitgate's own ledger: one row per migration applied (or recorded) on this database.
-- gitgate manages this schema the way it manages yours: these files are embedded in the
-- binary, applied in order on the first `gitgate apply`, and listed in gitgate.ledger_schema.
CREATE SCHEMA IF NOT EXISTS gitgate;
COMMENT ON SCHEMA gitgate IS 'gitgate: which migrations this database has, and how they got here';

CREATE TABLE IF NOT EXISTS gitgate.migrations (
    version     text PRIMARY KEY,
    name        text NOT NULL,
    path        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    db_user     text NOT NULL DEFAULT current_user,
    os_user     text,
    git_commit  text,
    git_branch  text,
    duration_ms integer,
    how         text NOT NULL CHECK (how IN ('applied', 'recorded'))
);
COMMENT ON TABLE gitgate.migrations IS 'One row per migration: checksum is the SHA-256 of the file as applied; how is applied (by gitgate apply) or recorded (applied by hand, verified in the catalog)';

CREATE TABLE IF NOT EXISTS gitgate.ledger_schema (
    version    text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE gitgate.ledger_schema IS 'The versions of gitgate''s own ledger schema present in this database';
