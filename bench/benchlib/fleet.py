"""Fleet rows: `gitgate status` on a target of many databases (discover) and of many schemas
(schemas), against the shell loop a user would write: one psql per member running the ledger query.

Each row has its own small repository (three branch migrations, each one plain table) so that
every member can hold them cheaply; the control database lists the members.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import gen_repo

from . import ledger
from .timing import Cmd, Row, SideFailed

BRANCH = 3


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                   env={"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
                        "HOME": str(cwd), "PATH": "/usr/bin:/bin:/usr/local/bin"})


def migrations() -> list[gen_repo.Migration]:
    out = []
    for n in range(1, BRANCH + 1):
        version = f"{n:03d}"
        table = f"fleet_table_{n}"
        text = f"CREATE TABLE IF NOT EXISTS {table} (id bigint PRIMARY KEY, note text);\n"
        out.append(gen_repo.Migration(n, version, f"create_{table}", f"migrations/{version}_create_{table}.sql", text))
    return out


def repository(root: Path, target: str) -> Path:
    """main with `.gitgate` (the fleet target) and an empty migrations folder; feature adds the migrations."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    (root / "migrations").mkdir()
    (root / "migrations" / ".keep").write_text("")
    (root / ".gitgate").write_text("[gitgate]\n\tmigrations = migrations\n\tlayout = flat\n" + target)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "main")
    wt = root / "wt-feature"
    _git(root, "worktree", "add", "-q", "-b", "feature", str(wt), "main")
    for m in migrations():
        (wt / m.path).write_text(m.text)
    _git(wt, "add", "-A")
    _git(wt, "commit", "-q", "-m", "feature")
    return wt


def new_files(wt: Path) -> list[str]:
    base = subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=wt, check=True, capture_output=True, text=True).stdout.strip()
    diff = subprocess.run(["git", "diff", "--name-only", "--diff-filter=A", base, "HEAD", "--", "migrations"],
                          cwd=wt, check=True, capture_output=True, text=True).stdout.split()
    return [f for f in diff if f.endswith(".sql")]


def status_side(ctx, wt: Path, members: int, row: Row):
    def run(check: bool) -> float:
        t, done = Cmd([str(ctx.gitgate), "status", "--format", "json"], cwd=wt, env=ctx.env(None)).run()
        if check:
            report = json.loads(done.stdout)
            fleet = report["targets"]["production"]["fleet"]
            if report["verdict"] != "ready" or fleet is None or len(fleet["members"]) != members:
                raise SideFailed(f"verdict {report['verdict']}, {len(fleet['members']) if fleet else 0} members: {report['reasons'][:1]}")
            row.notes.append(f"verdict ready, {members:,} members")
        return t
    return run


def databases(ctx) -> list[Row]:
    """200 databases on the local cluster, found by a discover query."""
    count = ctx.args.fleet_databases
    pg = ctx.pg
    ms = migrations()
    names = [f"fleet_db_{i:04d}" for i in range(count)]

    def build():
        pg.create_db("fleet_tpl")
        pg.psql("fleet_tpl", "".join(m.text for m in ms))
        ledger.record_applied(pg, "fleet_tpl", ms)
        for name in names:
            pg.create_db(name, "fleet_tpl")
        pg.create_db("fleet_control")
        pg.psql("fleet_control", "CREATE TABLE members (db text); INSERT INTO members SELECT 'fleet_db_' || lpad(g::text, 4, '0') FROM generate_series(0, %d) g" % (count - 1))
    ctx.timed_setup(f"fleet: {count} databases", build)
    wt = repository(ctx.work / "fleet-databases", f"[gitgate \"production\"]\n\turl = \"{pg.url('fleet_control')}\"\n"
                    "\tdiscover = SELECT db FROM members ORDER BY db\n")
    row = Row("status, a fleet of databases (discover)", f"{count:,} databases, {BRANCH} branch migrations, concurrency 16",
              alternative_name="git merge-base + git diff + a psql ledger query per database")

    def alternative(check: bool) -> float:
        import time
        start = time.perf_counter()
        files = new_files(wt)
        versions = [Path(f).name.split("_", 1)[0] for f in files]
        missing = 0
        for name in names:
            _, done = Cmd(["psql", "-X", "-A", "-t", "-h", pg.host, "-d", name, "-c",
                           ledger.APPLIED_VERSIONS_QUERY % ",".join(versions)], env=pg.env(name)).run()
            missing += len(set(versions) - set(done.stdout.split()))
        elapsed = time.perf_counter() - start
        if check and (len(files) != BRANCH or missing):
            raise SideFailed(f"loop saw {len(files)} files, {missing} missing ledger rows")
        return elapsed
    from .rows import compare
    return [compare(ctx, row, status_side(ctx, wt, count, row), alternative, ctx.args.apply_runs)]


def schemas(ctx) -> list[Row]:
    """2,000 tenant schemas in one database, each with golang-migrate's ledger."""
    count = ctx.args.fleet_schemas
    pg = ctx.pg
    ms = migrations()

    def build():
        pg.create_db("fleet_tenants")
        sql = ["CREATE TABLE public.tenants (name text);"]
        for i in range(count):
            s = f"tenant_{i:04d}"
            sql.append(f"CREATE SCHEMA {s}; SET search_path = {s}; INSERT INTO public.tenants VALUES ('{s}');")
            sql.append("CREATE TABLE schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL);")
            sql.append(f"INSERT INTO schema_migrations VALUES ({BRANCH}, false);")
            sql += [m.text for m in ms]
        path = ctx.work / "fleet-schemas.sql"
        path.write_text("\n".join(sql) + "\n")
        pg.psql("fleet_tenants", files=[path])
    ctx.timed_setup(f"fleet: {count} schemas", build)
    wt = repository(ctx.work / "fleet-schemas", "\tledger = golang-migrate\n" +
                    f"[gitgate \"production\"]\n\turl = \"{pg.url('fleet_tenants')}\"\n"
                    "\tschemas = SELECT name FROM public.tenants ORDER BY name\n")
    row = Row("status, a fleet of schemas (schemas)", f"{count:,} schemas in one database, {BRANCH} branch migrations",
              alternative_name="git merge-base + git diff + a psql ledger query per schema")
    tenants = [f"tenant_{i:04d}" for i in range(count)]

    def alternative(check: bool) -> float:
        import time
        start = time.perf_counter()
        files = new_files(wt)
        newest = max(int(Path(f).name.split("_", 1)[0]) for f in files)
        behind = 0
        for s in tenants:
            _, done = Cmd(["psql", "-X", "-A", "-t", "-h", pg.host, "-d", "fleet_tenants", "-c",
                           f"SELECT version FROM {s}.schema_migrations WHERE NOT dirty"], env=pg.env("fleet_tenants")).run()
            if not done.stdout.strip() or int(done.stdout.split()[0]) < newest:
                behind += 1
        elapsed = time.perf_counter() - start
        if check and (len(files) != BRANCH or behind):
            raise SideFailed(f"loop saw {len(files)} files, {behind} schemas behind")
        return elapsed
    from .rows import compare
    return [compare(ctx, row, status_side(ctx, wt, count, row), alternative, ctx.args.apply_runs)]
