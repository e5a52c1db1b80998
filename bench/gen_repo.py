#!/usr/bin/env python3
"""Generate a deterministic git repository shaped like a gitgate user's.

main: --commits commits that edit a few source files, with --main-migrations flat migrations
(migrations/0001_create_<table>.sql …) spread over its history. feature: branched from main's
tip, one commit per branch migration (versions after main's). A linked worktree for feature at
OUT/wt-feature. `.gitgate` is committed in main's first commit.

Everything goes through one `git fast-import` stream, so 50,000 commits take seconds.
A migration's text depends only on (seed, its number), so repositories with different commit
counts share identical migrations (and checksums): one database serves them all.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS_DIR = "migrations"

GITGATE_CONFIG = """\
[gitgate]
\tmigrations = migrations
\tlayout = flat
"""
GITGATE_TARGET = """\
[gitgate "production"]
\turl = env:DATABASE_URL
\tgate = true
"""

DOMAINS = [
    "account", "billing", "catalog", "customer", "delivery", "event", "fleet", "inventory",
    "invoice", "ledger", "marketing", "member", "order", "partner", "payment", "payroll",
    "product", "project", "report", "review", "security", "session", "shipment", "store",
    "subscription", "support", "supplier", "team", "ticket", "warehouse",
]
ENTITIES = [
    "addresses", "adjustments", "alerts", "approvals", "assignments", "attachments", "audits",
    "balances", "batches", "budgets", "categories", "comments", "contacts", "credits",
    "detections", "devices", "discounts", "documents", "entries", "exports", "feedback",
    "imports", "items", "jobs", "labels", "limits", "logs", "notes", "notifications", "periods",
    "permissions", "prices", "quotas", "rates", "refunds", "requests", "schedules", "settings",
    "snapshots", "tags",
]
COLUMN_KINDS = [
    ("status", "text NOT NULL DEFAULT 'new'"),
    ("amount_cents", "bigint NOT NULL DEFAULT 0 CHECK (amount_cents >= 0)"),
    ("title", "text NOT NULL"),
    ("description", "text"),
    ("external_ref", "text UNIQUE"),
    ("quantity", "integer NOT NULL DEFAULT 1 CHECK (quantity > 0)"),
    ("is_active", "boolean NOT NULL DEFAULT true"),
    ("payload", "jsonb NOT NULL DEFAULT '{}'::jsonb"),
    ("starts_on", "date"),
    ("ends_on", "date"),
    ("score", "numeric(10,2)"),
    ("email", "text CHECK (email LIKE '%@%')"),
    ("tier", "smallint NOT NULL DEFAULT 0"),
    ("processed_at", "timestamptz"),
]
AUTHORS = [
    ("Ada Park", "ada@example.com"),
    ("Bruno Silva", "bruno@example.com"),
    ("Chen Wei", "chen@example.com"),
    ("Dana Okafor", "dana@example.com"),
]
SOURCE_FILES = ["src/app.py", "src/models.py", "src/views.py", "src/jobs.py", "README.md"]
SOURCE_LINES = 40
EPOCH = 1_600_000_000


def table_name(number: int) -> str:
    combos = len(DOMAINS) * len(ENTITIES)
    index = (number - 1) % combos
    base = f"{DOMAINS[index % len(DOMAINS)]}_{ENTITIES[index // len(DOMAINS)]}"
    round_ = (number - 1) // combos
    return base if round_ == 0 else f"{base}_{round_ + 1}"


def version_width(total: int) -> int:
    return max(4, len(str(total)))


@dataclass(frozen=True)
class Migration:
    number: int
    version: str
    name: str
    path: str
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def migration(number: int, seed: int, width: int) -> Migration:
    """Migration `number`: one table with its indexes and comments; sometimes a FK to an older one."""
    rng = random.Random(f"gitgate-bench:{seed}:{number}")
    table = table_name(number)
    version = str(number).zfill(width)
    columns = ["    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"]
    reference = None
    if number > 1 and rng.random() < 0.4:
        reference = table_name(rng.randint(max(1, number - 300), number - 1))
        columns.append(f"    {reference}_id bigint NOT NULL REFERENCES {reference} (id) ON DELETE CASCADE")
    picked = rng.sample(COLUMN_KINDS, rng.randint(2, 5))
    columns += [f"    {name} {kind}" for name, kind in picked]
    columns.append("    created_at timestamptz NOT NULL DEFAULT now()")
    lines = [
        f"-- {version}: {table.replace('_', ' ')}",
        f"CREATE TABLE IF NOT EXISTS {table} (",
        ",\n".join(columns),
        ");",
        "",
    ]
    if reference:
        lines.append(f"CREATE INDEX IF NOT EXISTS {table}_{reference}_id_idx ON {table} ({reference}_id);")
    lines.append(f"CREATE INDEX IF NOT EXISTS {table}_created_at_idx ON {table} (created_at);")
    indexed = [name for name, _ in picked if name in ("status", "starts_on", "processed_at", "tier")]
    if indexed:
        column = indexed[0]
        lines.append(f"CREATE INDEX IF NOT EXISTS {table}_{column}_idx ON {table} ({column});")
    lines += [
        "",
        f"COMMENT ON TABLE {table} IS 'The {table.replace('_', ' ')}, one row each (migration {version})';",
        f"COMMENT ON COLUMN {table}.created_at IS 'When the row was inserted';",
        "",
    ]
    return Migration(number, version, f"create_{table}", f"{MIGRATIONS_DIR}/{version}_create_{table}.sql",
                     "\n".join(lines))


def migrations(first: int, count: int, seed: int, width: int) -> list[Migration]:
    return [migration(n, seed, width) for n in range(first, first + count)]


class Stream:
    """Writes a fast-import stream to git's stdin."""

    def __init__(self, pipe):
        self.pipe = pipe

    def data(self, payload: bytes) -> None:
        self.pipe.write(b"data %d\n" % len(payload))
        self.pipe.write(payload)
        self.pipe.write(b"\n")

    def commit(self, ref: str, mark: int, parent: int | None, when: int, author: tuple[str, str],
               message: str, files: dict[str, str]) -> None:
        name, email = author
        self.pipe.write(f"commit {ref}\nmark :{mark}\n".encode())
        self.pipe.write(f"author {name} <{email}> {when} +0000\n".encode())
        self.pipe.write(f"committer {name} <{email}> {when} +0000\n".encode())
        self.data(message.encode())
        if parent is not None:
            self.pipe.write(f"from :{parent}\n".encode())
        for path, text in files.items():
            self.pipe.write(f"M 100644 inline {path}\n".encode())
            self.data(text.encode())


class Sources:
    """A few bounded source files; each edit rewrites one line, so blobs stay small."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines = {path: [self.line(path, i, 0) for i in range(SOURCE_LINES)] for path in SOURCE_FILES}

    @staticmethod
    def line(path: str, index: int, revision: int) -> str:
        if path.endswith(".md"):
            return f"- note {index}: revision {revision}"
        return f"SETTING_{index} = {revision}  # tuned in revision {revision}"

    def edit(self, revision: int) -> dict[str, str]:
        edited = {}
        for path in self.rng.sample(SOURCE_FILES, self.rng.choice((1, 1, 1, 2))):
            index = self.rng.randrange(SOURCE_LINES)
            self.lines[path][index] = self.line(path, index, revision)
            edited[path] = "\n".join(self.lines[path]) + "\n"
        return edited


POP_DIALECTS = ["", ".postgres", ".mysql", ".sqlite3"]


def files_of(m: Migration, layout: str) -> dict[str, str]:
    """The files one migration is written as: flat, or pop's one file per dialect (four)."""
    if layout != "pop":
        return {m.path: m.text}
    stem = m.path[:-len(".sql")]
    other = m.text.replace("bigint GENERATED ALWAYS AS IDENTITY", "BIGINT AUTO_INCREMENT")
    return {f"{stem}{dialect}.up.sql": (m.text if dialect in ("", ".postgres") else other) for dialect in POP_DIALECTS}


def generate(out: Path, commits: int, main_migrations: int, branch_migrations: int, seed: int = 1,
             with_target: bool = True, quiet: bool = True, layout: str = "flat") -> dict:
    if commits < 1:
        raise SystemExit("gen_repo: --commits must be at least 1")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    git = ["git", "-C", str(out)]
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(git + ["init", "-q", "-b", "main"], check=True, env=env)
    subprocess.run(git + ["config", "user.name", "Bench"], check=True)
    subprocess.run(git + ["config", "user.email", "bench@example.com"], check=True)

    width = version_width(main_migrations + branch_migrations)
    main_set = migrations(1, main_migrations, seed, width)
    branch_set = migrations(main_migrations + 1, branch_migrations, seed, width)
    rng = random.Random(f"gitgate-bench-history:{seed}")
    sources = Sources(rng)
    config = GITGATE_CONFIG.replace("layout = flat", f"layout = {layout}") + (GITGATE_TARGET if with_target else "")

    importer = subprocess.Popen(git + ["fast-import", "--quiet", "--done"], stdin=subprocess.PIPE, env=env)
    stream = Stream(importer.stdin)
    # Migration k lands in commit ceil(k * commits / main_migrations): spread evenly, first to last.
    due: dict[int, list[Migration]] = {}
    for m in main_set:
        due.setdefault(-(-m.number * commits // max(1, main_migrations)), []).append(m)
    mark = 0
    for i in range(1, commits + 1):
        files = sources.edit(i)
        if i == 1:
            files[".gitgate"] = config
            files[".gitignore"] = "__pycache__/\n*.pyc\n"
        added = due.get(i, [])
        for m in added:
            files.update(files_of(m, layout))
        message = f"Add {added[0].name.replace('_', ' ')}" if added else f"Tune settings (revision {i})"
        mark += 1
        stream.commit("refs/heads/main", mark, mark - 1 if mark > 1 else None, EPOCH + i * 600,
                      AUTHORS[i % len(AUTHORS)], message + "\n", files)
    main_tip = mark
    when = EPOCH + commits * 600
    for j, m in enumerate(branch_set, start=1):
        files = files_of(m, layout)
        if j % 3 == 0:
            files.update(sources.edit(commits + j))
        mark += 1
        stream.commit("refs/heads/feature", mark, mark - 1 if j > 1 else main_tip, when + j * 600,
                      AUTHORS[j % len(AUTHORS)], f"Add {m.name.replace('_', ' ')}\n", files)
    if not branch_set:
        importer.stdin.write(f"reset refs/heads/feature\nfrom :{main_tip}\n\n".encode())
    importer.stdin.write(b"done\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("gen_repo: git fast-import failed")

    subprocess.run(git + ["reset", "-q", "--hard", "main"], check=True)
    # The linked worktree lives inside the main one: keep it out of main's `git status`.
    with open(out / ".git" / "info" / "exclude", "a") as exclude:
        exclude.write("/wt-feature/\n")
    subprocess.run(git + ["worktree", "add", "-q", str(out / "wt-feature"), "feature"], check=True)
    summary = {
        "path": str(out), "worktree": str(out / "wt-feature"), "commits": commits,
        "main_migrations": main_migrations, "branch_migrations": branch_migrations,
        "seed": seed, "target": with_target, "layout": layout,
        "main_versions": [m.version for m in main_set][-1:],
        "branch_paths": [m.path for m in branch_set],
    }
    if not quiet:
        print(f"gen_repo: {out}: {commits} commits on main ({main_migrations} migrations), "
              f"feature +{branch_migrations} migrations, worktree {out / 'wt-feature'}")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=5000, help="commits on main (default 5000)")
    parser.add_argument("--main-migrations", type=int, default=2000, help="migrations on main (default 2000)")
    parser.add_argument("--branch-migrations", type=int, default=200,
                        help="migrations the feature branch adds (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-target", action="store_true",
                        help="write .gitgate without a [gitgate \"production\"] target")
    parser.add_argument("--layout", choices=["flat", "pop"], default="flat",
                        help="flat files, or pop's four files per migration (generic, postgres, mysql, sqlite3)")
    parser.add_argument("--out", type=Path, required=True, help="directory to create (replaced if present)")
    args = parser.parse_args(argv)
    generate(args.out.resolve(), args.commits, args.main_migrations, args.branch_migrations, args.seed,
             with_target=not args.no_target, quiet=False, layout=args.layout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
