"""Writing gitgate's ledger rows directly, to stage "these migrations are applied".

ADAPT HERE when the ledger schema changes: this mirrors migrations/001_create_ledger.sql
(gitgate.migrations + gitgate.ledger_schema). Nothing else in the harness knows the schema;
the shell-pipeline baselines only read `version` from gitgate.migrations.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

LEDGER_SCHEMA_VERSIONS = ["001"]

CREATE = """
CREATE SCHEMA IF NOT EXISTS gitgate;
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
CREATE TABLE IF NOT EXISTS gitgate.ledger_schema (
    version    text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
"""

# What the baseline pipeline asks: which of these versions does the ledger have?
APPLIED_VERSIONS_QUERY = "SELECT version FROM gitgate.migrations WHERE version = ANY('{%s}')"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def record_applied(cluster, db: str, migrations) -> None:
    """Insert one ledger row per migration (objects with .version, .name, .path, .checksum)."""
    lines = [CREATE]
    lines += [f"INSERT INTO gitgate.ledger_schema (version) VALUES ({_literal(v)}) ON CONFLICT DO NOTHING;"
              for v in LEDGER_SCHEMA_VERSIONS]
    if migrations:
        lines.append("INSERT INTO gitgate.migrations (version, name, path, checksum, how, git_branch) VALUES")
        lines.append(",\n".join(
            f"({_literal(m.version)}, {_literal(m.name)}, {_literal(m.path)}, {_literal(m.checksum)}, 'applied', 'bench')"
            for m in migrations) + ";")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        path = Path(f.name)
    try:
        cluster.psql(db, files=[path], single_transaction=True)
    finally:
        path.unlink()
