"""Writing gitgate's ledger rows directly, to stage "these migrations are applied".

The schema itself is read from migrations/ (gitgate's embedded ledger schema); only the INSERT
below knows its columns. Nothing else in the harness knows the schema;
the shell-pipeline baselines only read `version` from gitgate.migrations.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

# gitgate's own ledger schema, read from the files gitgate embeds, so the two cannot drift.
_LEDGER_DIR = Path(__file__).resolve().parents[2] / "migrations"
_LEDGER_FILES = sorted(_LEDGER_DIR.glob("*.sql"))
LEDGER_SCHEMA_VERSIONS = [f.name.split("_", 1)[0] for f in _LEDGER_FILES]
CREATE = "\n".join(f.read_text() for f in _LEDGER_FILES)

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
