"""The measurements: each function returns Rows, gitgate against the alternative, in the same run."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import gen_repo

from . import ledger
from .context import SEED, Context
from .timing import Cmd, Row, SideFailed, alternate, first_line, repeat


def compare(ctx: Context, row: Row, gitgate_side, alternative_side, runs: int) -> Row:
    """Check each side once (it must do its job), then alternate them; a failing side is left out."""
    if ctx.gitgate_missing:
        row.not_measured = ctx.gitgate_missing
    else:
        try:
            gitgate_side(True)
        except SideFailed as e:
            row.not_measured = str(e)
    try:
        alternative_side(True)
    except SideFailed as e:
        row.alternative_failed = str(e)
    try:
        if row.not_measured is None and row.alternative_failed is None:
            row.gitgate, row.alternative = alternate(lambda: gitgate_side(False), lambda: alternative_side(False), runs)
        elif row.alternative_failed is None:
            row.alternative = repeat(lambda: alternative_side(False), runs)
        elif row.not_measured is None:
            row.gitgate = repeat(lambda: gitgate_side(False), runs)
    except SideFailed as e:
        row.not_measured = row.not_measured or f"failed during the runs: {e}"
        row.gitgate = []
    ctx.log(f"  {row.name} [{row.case}]: " + ("ok" if not row.not_measured else f"gitgate not measured: {row.not_measured}"))
    return row


def case_label(commits: int, branch: int) -> str:
    return f"{commits:,} commits, {branch:,} branch migrations"


def parse_status(stdout: str, expected: int) -> dict:
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        raise SideFailed(f"output is not JSON: {first_line(stdout)}")
    if not isinstance(report, dict) or "verdict" not in report or not isinstance(report.get("migrations"), list):
        raise SideFailed("JSON has no verdict/migrations")
    if len(report["migrations"]) != expected:
        raise SideFailed(f"reported {len(report['migrations'])} migrations, expected {expected}")
    return report


def git_new_migrations(wt: Path, env: dict[str, str]) -> tuple[float, list[str]]:
    """The shell a user would write: git merge-base, then git diff --diff-filter=A (two processes)."""
    t1, base = Cmd(["git", "merge-base", "main", "feature"], cwd=wt, env=env).run()
    t2, diff = Cmd(["git", "diff", "--name-only", "--diff-filter=A", base.stdout.strip(), "feature", "--",
                    gen_repo.MIGRATIONS_DIR], cwd=wt, env=env).run()
    return t1 + t2, diff.stdout.split()


def status_cmd(ctx: Context, wt: Path, db: str | None) -> Cmd:
    return Cmd([str(ctx.gitgate), "status", "--format", "json"], cwd=wt, env=ctx.env(db), ok_codes=(0, 1))


# Rows.

def inspector(ctx: Context) -> list[Row]:
    a = ctx.args
    commits, branch = a.commits[0], a.branch_migrations[0]
    repo = ctx.repo(commits, a.main_migrations, branch, target=False)
    wt = Path(repo["worktree"])
    row = Row("inspector: status, no target", case_label(commits, branch),
              alternative_name="git merge-base + git diff --diff-filter=A")
    env = ctx.env(None)

    def gitgate(check: bool) -> float:
        t, done = status_cmd(ctx, wt, None).run()
        if check:
            report = parse_status(done.stdout, branch)
            row.notes.append(f"verdict {report['verdict']}")
        return t

    def alternative(check: bool) -> float:
        t, files = git_new_migrations(wt, env)
        if check and len(files) != branch:
            raise SideFailed(f"git diff listed {len(files)} files, expected {branch}")
        return t
    return [compare(ctx, row, gitgate, alternative, a.runs)]


def layouts(ctx: Context) -> list[Row]:
    """pop writes each migration once per database: status on 500 migrations as 2,000 pop files
    (generic, postgres, mysql, sqlite3) against the same 500 as flat files. Only the PostgreSQL
    file of each version is read, so the goal is no slower."""
    a = ctx.args
    commits, versions = a.commits[0], 500
    pop = ctx.repo(commits, versions, versions, target=False, layout="pop")
    flat = ctx.repo(commits, versions, versions, target=False)
    row = Row("status, pop tree (4 dialects each)", f"{commits:,} commits, {versions * 4:,} branch files ({versions} migrations)",
              alternative_name=f"gitgate status on the same {versions} migrations as flat files")

    def side(repo: dict):
        def run(check: bool) -> float:
            t, done = status_cmd(ctx, Path(repo["worktree"]), None).run()
            if check:
                report = parse_status(done.stdout, versions)
                if any("mysql" in m["path"] or "sqlite3" in m["path"] for m in report["migrations"]):
                    raise SideFailed("status read another dialect's file")
            return t
        return run
    return [compare(ctx, row, side(pop), side(flat), a.runs)]


def status_with_db(ctx: Context) -> list[Row]:
    a = ctx.args
    rows = []
    for commits in a.commits:
        for branch in a.branch_migrations:
            repo = ctx.repo(commits, a.main_migrations, branch)
            db = ctx.applied_db(a.main_migrations, branch, repo["width"])
            rows.append(status_row(ctx, repo, db, commits, branch))
    return rows


def applied_versions_query(wt: Path, files: list[str], env: dict[str, str]) -> tuple[float, set[str]]:
    versions = [Path(f).name.split("_", 1)[0] for f in files]
    t, done = Cmd(["psql", "-X", "-A", "-t", "-c", ledger.APPLIED_VERSIONS_QUERY % ",".join(versions)],
                  cwd=wt, env=env).run()
    return t, set(versions) - set(done.stdout.split())


def status_row(ctx: Context, repo: dict, db: str, commits: int, branch: int) -> Row:
    wt = Path(repo["worktree"])
    env = ctx.env(db)
    row = Row("status, branch migrations applied", case_label(commits, branch),
              alternative_name="git merge-base + git diff + psql ledger query")

    def gitgate(check: bool) -> float:
        t, done = status_cmd(ctx, wt, db).run()
        if check:
            report = parse_status(done.stdout, branch)
            note = f"verdict {report['verdict']}"
            if report["verdict"] != "ready":
                note += ": " + "; ".join(str(r) for r in report.get("reasons", [])[:2])[:160]
            row.notes.append(note)
        return t

    def alternative(check: bool) -> float:
        t1, files = git_new_migrations(wt, env)
        t2, missing = applied_versions_query(wt, files, env)
        if check and (len(files) != branch or missing):
            raise SideFailed(f"pipeline saw {len(files)} files, {len(missing)} not in the ledger")
        return t1 + t2
    return compare(ctx, row, gitgate, alternative, ctx.args.runs)


def lint(ctx: Context) -> list[Row]:
    """Two ways to hand over the same files: every path on the command line (the shell's glob), and
    one argument the tool expands itself (gitgate: the folder; squawk: a glob pattern)."""
    a = ctx.args
    corpus = ctx.corpus(a.corpus_files)
    files = sorted(p.name for p in corpus.glob("*.sql"))
    cases = [
        (f"{len(files)} files, each path an argument", files, files),
        (f"{len(files)} files, one argument (gitgate: the folder; squawk: '*.sql')", ["."], ["*.sql"]),
    ]
    return [lint_case(ctx, corpus, case, len(files), gitgate_args, squawk_args)
            for case, gitgate_args, squawk_args in cases]


def lint_case(ctx: Context, corpus: Path, case: str, count: int, gitgate_args: list[str],
              squawk_args: list[str]) -> Row:
    row = Row("lint", case, alternative_name="squawk (squawk-cli)")

    def gitgate(check: bool) -> float:
        t, done = Cmd([str(ctx.gitgate), "lint", "--format", "json", *gitgate_args], cwd=corpus, ok_codes=(0, 1)).run()
        if check:
            try:
                findings = json.loads(done.stdout)["findings"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise SideFailed(f"output is not the lint JSON: {first_line(done.stdout)}")
            if any(f.get("rule") in ("syntax-error", "not-text") for f in findings):
                raise SideFailed("gitgate could not read some corpus files")
            flagged = len({f.get("path") for f in findings})
            row.notes.append(f"gitgate: {len(findings)} findings in {flagged} of {count} files")
        return t

    def alternative(check: bool) -> float:
        if ctx.squawk_missing:
            raise SideFailed(ctx.squawk_missing)
        t, done = Cmd([str(ctx.squawk), "--reporter", "json", "--pg-version", "15", *squawk_args], cwd=corpus,
                      ok_codes=(0, 1)).run()
        if check:
            try:
                findings = json.loads(done.stdout or "[]")
            except json.JSONDecodeError:
                raise SideFailed(f"squawk output is not JSON: {first_line(done.stdout)}")
            files_seen = len({f['file'] for f in findings})
            row.notes.append(f"squawk: {len(findings)} findings in {files_seen} of {count} files")
        return t
    return compare(ctx, row, gitgate, alternative, ctx.args.runs)


def _delete_branches(repo: Path, names: list[str]) -> None:
    # Untimed clean-up, with hooks off so it costs the same in both repositories.
    subprocess.run(["git", "-c", "core.hooksPath=/dev/null", "branch", "-q", "-D", *names], cwd=repo,
                   check=True, capture_output=True)


def hooks_path(repo: Path) -> Path:
    out = subprocess.run(["git", "rev-parse", "--git-path", "hooks"], cwd=repo, check=True,
                         capture_output=True, text=True).stdout.strip()
    return (repo / out).resolve()


def install_hooks(ctx: Context, repo: Path, db: str, flags: list[str], expect: str) -> None:
    Cmd([str(ctx.gitgate), "install", *flags], cwd=repo, env=ctx.env(db)).run()
    hook = hooks_path(repo) / expect
    if not os.access(hook, os.X_OK):
        raise SideFailed(f"`{' '.join(['gitgate install', *flags])}` left no executable {expect} hook")


def hook_overhead(ctx: Context) -> list[Row]:
    a = ctx.args
    commits, branch = a.commits[0], a.branch_migrations[0]
    on = Path(ctx.repo(commits, a.main_migrations, branch, fresh_tag="hooks-on")["path"])
    off = Path(ctx.repo(commits, a.main_migrations, branch, fresh_tag="hooks-off")["path"])
    db = ctx.applied_db(a.main_migrations, branch, gen_repo.version_width(a.main_migrations + branch))
    env = ctx.env(db)
    row = Row("hook overhead: git branch (per op)", f"{a.hook_ops} unrelated branch creations",
              alternative_name="same, no hooks installed", unit="ms/op")
    names = [f"x{i}" for i in range(a.hook_ops)]

    def batch(repo: Path) -> float:
        total = 0.0
        for name in names:
            t, _ = Cmd(["git", "branch", name], cwd=repo, env=env).run()
            total += t
        _delete_branches(repo, names)
        return total / len(names)

    def gitgate(check: bool) -> float:
        if check:
            install_hooks(ctx, on, db, ["--reference-transaction"], "reference-transaction")
        return batch(on)
    return [compare(ctx, row, gitgate, lambda check: batch(off), a.slow_runs)]


def hook_floor(ctx: Context) -> list[Row]:
    """gitgate's sh filter against the cheapest hook there is: what gitgate adds beyond git starting a hook."""
    a = ctx.args
    commits, branch = a.commits[0], a.branch_migrations[0]
    on = Path(ctx.repo(commits, a.main_migrations, branch, fresh_tag="floor-on")["path"])
    trivial = Path(ctx.repo(commits, a.main_migrations, branch, fresh_tag="floor-trivial")["path"])
    db = ctx.applied_db(a.main_migrations, branch, gen_repo.version_width(a.main_migrations + branch))
    env = ctx.env(db)
    hook = hooks_path(trivial) / "reference-transaction"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    row = Row("hook filter: git branch (per op)", f"{a.hook_ops} unrelated branch creations",
              alternative_name="same, with a reference-transaction hook that only exits 0", unit="ms/op")
    names = [f"x{i}" for i in range(a.hook_ops)]

    def batch(repo: Path) -> float:
        total = 0.0
        for name in names:
            t, _ = Cmd(["git", "branch", name], cwd=repo, env=env).run()
            total += t
        _delete_branches(repo, names)
        return total / len(names)

    def gitgate(check: bool) -> float:
        if check:
            install_hooks(ctx, on, db, ["--reference-transaction"], "reference-transaction")
        return batch(on)
    return [compare(ctx, row, gitgate, lambda check: batch(trivial), a.slow_runs)]


def gated_merge(ctx: Context) -> list[Row]:
    a = ctx.args
    commits, branch = a.commits[0], a.branch_migrations[0]
    on = Path(ctx.repo(commits, a.main_migrations, branch, fresh_tag="merge-on")["path"])
    off = Path(ctx.repo(commits, a.main_migrations, branch, fresh_tag="merge-off")["path"])
    db = ctx.applied_db(a.main_migrations, branch, gen_repo.version_width(a.main_migrations + branch))
    env = ctx.env(db)
    row = Row("gated merge: git merge --no-ff feature", case_label(commits, branch) + ", all applied",
              alternative_name="same merge, no hooks installed")
    tips = {repo: subprocess.run(["git", "rev-parse", "main"], cwd=repo, check=True, capture_output=True,
                                 text=True).stdout.strip() for repo in (on, off)}

    def merge(repo: Path) -> float:
        try:
            t, _ = Cmd(["git", "merge", "--no-ff", "-q", "-m", "Merge branch 'feature'", "feature"],
                       cwd=repo, env=env).run()
            parents = subprocess.run(["git", "rev-list", "--parents", "-n1", "HEAD"], cwd=repo,
                                     capture_output=True, text=True).stdout.split()
            if len(parents) != 3:
                raise SideFailed("git merge did not make a merge commit")
        finally:
            subprocess.run(["git", "-c", "core.hooksPath=/dev/null", "merge", "--abort"], cwd=repo,
                           capture_output=True)
            # Back to the tip through the hooks where they are installed, as a user's reset would go:
            # moving main around the gate would leave gitgate's record of main behind, and the next
            # merge's post-merge hook would (rightly) inspect that move, which no real merge pays.
            subprocess.run(["git", "reset", "-q", "--hard", tips[repo]], cwd=repo, env={**os.environ, **env},
                           check=True, capture_output=True)
        return t

    def gitgate(check: bool) -> float:
        if check:
            install_hooks(ctx, on, db, [], "pre-merge-commit")
        return merge(on)
    return [compare(ctx, row, gitgate, lambda check: merge(off), a.slow_runs)]


def apply(ctx: Context) -> list[Row]:
    a = ctx.args
    main, branch = 20, a.apply_migrations
    repo = ctx.repo(200, main, branch, fresh_tag="apply")
    wt = Path(repo["worktree"])
    template = ctx.main_template(main, repo["width"], with_ledger=False)
    files = [wt / p for p in repo["branch_paths"]]
    tables = [gen_repo.table_name(n) for n in range(main + 1, main + branch + 1)]
    row = Row(f"apply {branch} small migrations", "fresh database each run",
              alternative_name="psql -1 -f per file, in order")
    counter = iter(range(10**6))

    def fresh() -> str:
        name = f"apply_run_{next(counter)}"
        ctx.pg.create_db(name, template)
        return name

    def check_applied(db: str, who: str) -> None:
        found = ctx.pg.psql(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY('{%s}')"
                            % ",".join(tables)).strip()
        if found != str(branch):
            raise SideFailed(f"after {who}, {found} of the {branch} tables exist")

    def gitgate(check: bool) -> float:
        db = fresh()
        try:
            t, _ = Cmd([str(ctx.gitgate), "apply", "--target", "production", "--yes"], cwd=wt, env=ctx.env(db)).run()
            if check:
                check_applied(db, "gitgate apply")
        finally:
            ctx.pg.drop_db(db)
        return t

    def alternative(check: bool) -> float:
        db = fresh()
        try:
            env = ctx.env(db)
            total = 0.0
            for f in files:
                t, _ = Cmd(["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", str(f)], cwd=wt, env=env).run()
                total += t
            if check:
                check_applied(db, "the psql loop")
        finally:
            ctx.pg.drop_db(db)
        return total
    return [compare(ctx, row, gitgate, alternative, a.apply_runs)]


def _max_rss_kib(cmd: Cmd) -> tuple[float, subprocess.CompletedProcess]:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        wrapped = Cmd(["/usr/bin/time", "-v", "-o", report.name, *cmd.args], cwd=cmd.cwd, env=cmd.env,
                      ok_codes=cmd.ok_codes)
        _, done = wrapped.run()
        for line in report.read().splitlines():
            if "Maximum resident set size" in line:
                return float(line.rsplit(":", 1)[1]), done
    raise SideFailed("/usr/bin/time -v reported no maximum resident set size")


def peak_memory(ctx: Context) -> list[Row]:
    a = ctx.args
    commits, branch = max(a.commits), max(a.branch_migrations)
    repo = ctx.repo(commits, a.main_migrations, branch)
    db = ctx.applied_db(a.main_migrations, branch, repo["width"])
    wt = Path(repo["worktree"])
    env = ctx.env(db)
    row = Row("peak memory (max RSS): status", case_label(commits, branch),
              alternative_name="largest process of the pipeline (git merge-base, git diff, psql)", unit="MiB")

    def gitgate(check: bool) -> float:
        kib, done = _max_rss_kib(status_cmd(ctx, wt, db))
        if check:
            parse_status(done.stdout, branch)
        return kib / 1024

    def alternative(check: bool) -> float:
        kib1, base = _max_rss_kib(Cmd(["git", "merge-base", "main", "feature"], cwd=wt, env=env))
        kib2, diff = _max_rss_kib(Cmd(["git", "diff", "--name-only", "--diff-filter=A", base.stdout.strip(),
                                       "feature", "--", gen_repo.MIGRATIONS_DIR], cwd=wt, env=env))
        versions = [Path(f).name.split("_", 1)[0] for f in diff.stdout.split()]
        kib3, _ = _max_rss_kib(Cmd(["psql", "-X", "-A", "-t", "-c",
                                    ledger.APPLIED_VERSIONS_QUERY % ",".join(versions)], cwd=wt, env=env))
        return max(kib1, kib2, kib3) / 1024
    return [compare(ctx, row, gitgate, alternative, 3)]


from . import fleet  # noqa: E402

ROWS = {
    "inspector": inspector,
    "layouts": layouts,
    "status": status_with_db,
    "lint": lint,
    "hooks": hook_overhead,
    "hookfloor": hook_floor,
    "merge": gated_merge,
    "apply": apply,
    "memory": peak_memory,
    "fleet": lambda ctx: fleet.databases(ctx) + fleet.schemas(ctx),
}

# Rows of issue 19 (start-up, the parse cache, one very large file); imported last, they use the helpers above.
from .rows_perf import big_file, cache, startup  # noqa: E402

ROWS.update({"startup": startup, "cache": cache, "bigfile": big_file})
