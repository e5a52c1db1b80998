"""Rows for issue 19: start-up, the parse cache, and memory on one very large migration."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .context import Context
from .rows import _max_rss_kib, compare, git_new_migrations, parse_status, status_cmd, applied_versions_query, case_label
from .timing import Cmd, Row, SideFailed

STARTUP_C = Path(__file__).resolve().parent.parent / "startup"

# Each C program and the libraries it links (the loader maps them and their dependencies).
C_PROGRAMS = {
    "none": [],
    "linked": ["-lgit2", "-lpq", "-lpg_query", "-lcrypto"],
    "linked_git_only": ["-lgit2", "-lpg_query", "-lcrypto"],
}


def _c_program(ctx: Context, name: str) -> Path:
    out = ctx.work / "startup" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    source = STARTUP_C / f"{name}.c"
    if not out.exists() or out.stat().st_mtime < source.stat().st_mtime:
        cflags = subprocess.run(["pkg-config", "--cflags", "libgit2", "libpq"], capture_output=True, text=True).stdout.split()
        subprocess.run(["cc", "-O2", str(source), "-o", str(out), *cflags, *C_PROGRAMS[name]], check=True)
    return out


def _simple(ctx: Context, name: str, case: str, gitgate_cmd: Cmd, alternative_name: str, alternative_cmd: Cmd,
            runs: int) -> Row:
    row = Row(name, case, alternative_name=alternative_name)
    return compare(ctx, row, lambda check: gitgate_cmd.run()[0], lambda check: alternative_cmd.run()[0], runs)


def startup(ctx: Context) -> list[Row]:
    """What a command costs before it does anything, next to git and to C programs linking the same libraries."""
    a = ctx.args
    runs = a.runs * 3
    rows = []
    git_version = Cmd(["git", "--version"])
    if ctx.gitgate:
        rows.append(_simple(ctx, "start-up: gitgate --version", "no repository", Cmd([str(ctx.gitgate), "--version"]),
                            "git --version", git_version, runs))
    else:
        rows.append(Row("start-up: gitgate --version", "no repository", not_measured=ctx.gitgate_missing))
    commits = a.commits[0]
    repo = ctx.repo(commits, a.main_migrations, 0)
    wt = Path(repo["worktree"])
    row = Row("start-up: status, branch without migrations", f"{commits:,} commits, {a.main_migrations:,} on main, production target",
              alternative_name="git --version")

    def gitgate(check: bool) -> float:
        # No database in the environment: a branch without migrations must not need one.
        t, done = status_cmd(ctx, wt, None).run()
        if check:
            report = parse_status(done.stdout, 0)
            if report["verdict"] != "ready":
                raise SideFailed(f"verdict {report['verdict']}: {report.get('reasons')}")
        return t
    rows.append(compare(ctx, row, gitgate, lambda check: git_version.run()[0], runs))
    try:
        none = _c_program(ctx, "none")
        for name, label in (("linked", "libgit2, libpq, libpg_query, libcrypto"),
                            ("linked_git_only", "libgit2, libpg_query, libcrypto (what gitgate maps now)")):
            program = _c_program(ctx, name)
            rows.append(_simple(ctx, "start-up: C program linking " + label, "calls nothing",
                                Cmd([str(program)]), "C program linking nothing", Cmd([str(none)]), runs))
    except (OSError, subprocess.CalledProcessError) as e:
        rows.append(Row("start-up: C programs", "—", not_measured=f"could not compile bench/startup: {e}"))
    return rows


def _cache_folder(repo: dict) -> Path:
    return Path(repo["path"]) / ".git" / "gitgate" / "cache"


def cache(ctx: Context) -> list[Row]:
    """status with the parse cache (GITGATE_PARSE_CACHE=1) emptied before every run, and warm (a second run), against the pipeline."""
    a = ctx.args
    rows = []
    commits = a.commits[0]
    for branch in a.branch_migrations[:1] if a.quick else a.branch_migrations:
        repo = ctx.repo(commits, a.main_migrations, branch)
        db = ctx.applied_db(a.main_migrations, branch, repo["width"])
        wt = Path(repo["worktree"])
        env = ctx.env(db)
        cached = status_cmd(ctx, wt, db)
        cached.env = {**(cached.env or {}), "GITGATE_PARSE_CACHE": "1"}
        for warm in (False, True):
            row = Row("status, warm cache (second run)" if warm else "status, cold cache (emptied before each run)",
                      case_label(commits, branch), alternative_name="git merge-base + git diff + psql ledger query")

            def gitgate(check: bool, warm=warm, row=row) -> float:
                if not warm:
                    shutil.rmtree(_cache_folder(repo), ignore_errors=True)
                t, done = cached.run()
                if check:
                    report = parse_status(done.stdout, branch)
                    row.notes.append(f"verdict {report['verdict']}")
                    if warm:
                        entries = list((_cache_folder(repo) / "parse").iterdir())
                        row.notes.append(f"{len(entries)} cache entries")
                return t

            def alternative(check: bool) -> float:
                t1, files = git_new_migrations(wt, env)
                t2, missing = applied_versions_query(wt, files, env)
                if check and (len(files) != branch or missing):
                    raise SideFailed(f"pipeline saw {len(files)} files, {len(missing)} not in the ledger")
                return t1 + t2
            rows.append(compare(ctx, row, gitgate, alternative, a.runs))
    return rows


def _big_insert_repo(ctx: Context, megabytes: int) -> Path:
    """main with .gitgate and a table; feature adds one migration: a single INSERT of `megabytes` MB."""
    out = ctx.work / "repos" / f"big-insert-{megabytes}mb"
    stamp = out / ".git" / "bench-stamp"
    if stamp.exists() and stamp.read_text() == str(megabytes):
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(out), "PATH": "/usr/local/bin:/usr/bin:/bin"}

    def git(*args: str, cwd: Path = out) -> None:
        subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", *args], cwd=cwd,
                       check=True, capture_output=True, env=env)
    git("init", "-q", "-b", "main")
    (out / ".gitgate").write_text("[gitgate]\n\tmigrations = migrations\n")
    (out / "migrations").mkdir()
    (out / "migrations" / "0001_events.sql").write_text(
        "CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, kind text NOT NULL, payload text, at timestamptz);\n")
    git("add", "-A")
    git("commit", "-q", "-m", "main")
    git("worktree", "add", "-q", "-b", "feature", str(out / "wt-feature"))
    rows = []
    size, i = 0, 0
    while size < megabytes * 1_000_000:
        i += 1
        line = f"({i}, 'kind_{i % 17}', 'payload {i} lorem ipsum dolor sit amet', '2024-01-01T00:00:00Z')"
        rows.append(line)
        size += len(line) + 2
    sql = "INSERT INTO events (id, kind, payload, at) VALUES\n" + ",\n".join(rows) + ";\n"
    (out / "wt-feature" / "migrations" / "0002_seed_events.sql").write_text(sql)
    git("add", "-A", cwd=out / "wt-feature")
    git("commit", "-q", "-m", "seed", cwd=out / "wt-feature")
    stamp.write_text(str(megabytes))
    return out


def big_file(ctx: Context) -> list[Row]:
    """Peak memory of status and of lint on one 10 MB single-INSERT migration (cold cache each run)."""
    repo = _big_insert_repo(ctx, 10)
    wt = repo / "wt-feature"
    rows = []
    path = "migrations/0002_seed_events.sql"
    git_side = Cmd(["git", "diff", "--numstat", "main", "feature"], cwd=wt)
    for name, args, ok in (("status", ["status", "--format", "json"], (0, 1)), ("lint", ["lint", "--format", "json", path], (0, 1))):
        row = Row(f"peak memory (max RSS): {name}, one 10 MB INSERT", "1 migration, ≈ 150,000 rows in one statement",
                  alternative_name="git diff --numstat main feature (reads the blob)", unit="MiB")

        def gitgate(check: bool, args=args, ok=ok) -> float:
            shutil.rmtree(repo / ".git" / "gitgate" / "cache", ignore_errors=True)
            if not ctx.gitgate:
                raise SideFailed(ctx.gitgate_missing or "no gitgate")
            kib, done = _max_rss_kib(Cmd([str(ctx.gitgate), *args], cwd=wt, env=ctx.env(None), ok_codes=ok))
            if check and not done.stdout.strip():
                raise SideFailed("no output")
            return kib / 1024

        def alternative(check: bool) -> float:
            kib, _ = _max_rss_kib(git_side)
            return kib / 1024
        rows.append(compare(ctx, row, gitgate, alternative, 3))
    return rows
