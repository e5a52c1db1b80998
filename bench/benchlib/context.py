"""Everything the rows share: the binaries, the generated data, and the prepared databases."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import gen_corpus
import gen_repo

from . import ledger
from .pgcluster import Cluster

BENCH = Path(__file__).resolve().parent.parent
SEED = 1


class Context:
    def __init__(self, args, cluster: Cluster, gitgate: Path | None, gitgate_missing: str | None,
                 squawk: Path | None, squawk_missing: str | None, work: Path, log):
        self.args = args
        self.pg = cluster
        self.gitgate = gitgate
        self.gitgate_missing = gitgate_missing
        self.squawk = squawk
        self.squawk_missing = squawk_missing
        self.work = work
        self.log = log
        self.setup_seconds: dict[str, float] = {}
        self._templates: set[str] = set()
        self._dbs: set[str] = set()

    def timed_setup(self, label: str, fn):
        start = time.perf_counter()
        result = fn()
        self.setup_seconds[label] = round(time.perf_counter() - start, 2)
        self.log(f"  setup {label}: {self.setup_seconds[label]:.1f} s")
        return result

    def env(self, db: str | None) -> dict[str, str]:
        """Environment for measured commands: the cluster if db is given, and which gitgate hooks run."""
        env: dict[str, str] = {}
        if self.gitgate:
            env["GITGATE"] = str(self.gitgate)
        if db:
            env.update(self.pg.env(db))
        return env

    # Repositories.

    def repo(self, commits: int, main: int, branch: int, target: bool = True, fresh_tag: str | None = None,
             layout: str = "flat") -> dict:
        """A generated repository; reused across runs unless a row will modify it (fresh_tag)."""
        name = f"c{commits}-m{main}-b{branch}" + ("" if target else "-notarget") + ("" if layout == "flat" else f"-{layout}")
        out = self.work / "repos" / name
        stamp_file = out / ".git" / "bench-stamp"
        stamp = hashlib.sha256((BENCH / "gen_repo.py").read_bytes()).hexdigest() + json.dumps(
            [commits, main, branch, target, SEED, layout])
        if stamp_file.exists() and stamp_file.read_text() == stamp:
            summary = json.loads((out / ".git" / "bench-summary.json").read_text())
        else:
            summary = self.timed_setup(f"repo {name}", lambda: gen_repo.generate(
                out, commits, main, branch, SEED, with_target=target, layout=layout))
            (out / ".git" / "bench-summary.json").write_text(json.dumps(summary))
            stamp_file.write_text(stamp)
        summary["width"] = gen_repo.version_width(main + branch)
        if fresh_tag:
            summary = self.timed_setup(f"copy {name}-{fresh_tag}", lambda: self._copy(summary, fresh_tag))
        self._refresh_index(summary)
        return summary

    @staticmethod
    def _refresh_index(summary: dict) -> None:
        """What any `git status` of the user's would have done: the index's cached file stats made
        current. A generated or copied repository has stale ones, and then every libgit2 status
        (gitgate's) re-reads and hashes each of main's files on every run, which a worktree people
        use never makes it do (measured: 262 ms CPU against 120 ms for status at 200 migrations)."""
        for key in ("path", "worktree"):
            if summary.get(key):
                subprocess.run(["git", "-c", "core.hooksPath=/dev/null", "update-index", "-q", "--refresh"],
                               cwd=summary[key], capture_output=True)

    def _copy(self, summary: dict, tag: str) -> dict:
        """A private copy of a pristine repository, for a row that installs hooks or merges."""
        source = Path(summary["path"])
        out = source.with_name(f"{source.name}-{tag}")
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(source, out, symlinks=True)
        # The linked worktree's two links are absolute paths into the original: point them at the copy.
        # (`git worktree repair` would instead re-point the original at the copy.)
        admin = out / ".git" / "worktrees" / "wt-feature"
        (out / "wt-feature" / ".git").write_text(f"gitdir: {admin}\n")
        (admin / "gitdir").write_text(f"{out / 'wt-feature' / '.git'}\n")
        common = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
                                cwd=out / "wt-feature", check=True, capture_output=True, text=True).stdout.strip()
        if Path(common).resolve() != (out / ".git").resolve():
            raise RuntimeError(f"copied worktree still points at {common}")
        return {**summary, "path": str(out), "worktree": str(out / "wt-feature")}

    def corpus(self, files: int) -> Path:
        out = self.work / f"corpus-{files}"
        self.timed_setup(f"corpus {files} files", lambda: gen_corpus.generate(out, files, SEED))
        return out

    # Databases.

    def _apply_sql(self, db: str, migrations) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write("\n".join(m.text for m in migrations))
            path = Path(f.name)
        try:
            # Autocommit: one transaction over thousands of tables runs out of lock slots.
            self.pg.psql(db, files=[path])
        finally:
            path.unlink()

    def main_template(self, main: int, width: int, with_ledger: bool) -> str:
        """A database template where main's migrations ran (objects exist), optionally with ledger rows."""
        name = f"tpl_m{main}_w{width}" + ("_ledger" if with_ledger else "")
        if name not in self._templates:
            def build():
                ms = gen_repo.migrations(1, main, SEED, width)
                self.pg.create_db(name)
                self._apply_sql(name, ms)
                if with_ledger:
                    ledger.record_applied(self.pg, name, ms)
            self.timed_setup(f"database {name}", build)
            self._templates.add(name)
        return name

    def applied_db(self, main: int, branch: int, width: int) -> str:
        """Production after `gitgate apply`: main's and the branch's migrations ran and are in the ledger."""
        name = f"applied_m{main}_b{branch}_w{width}"
        if name not in self._dbs:
            template = self.main_template(main, width, with_ledger=True)

            def build():
                ms = gen_repo.migrations(main + 1, branch, SEED, width)
                self.pg.create_db(name, template)
                self._apply_sql(name, ms)
                ledger.record_applied(self.pg, name, ms)
            self.timed_setup(f"database {name}", build)
            self._dbs.add(name)
        return name


def find_squawk(out: Path, log) -> tuple[Path | None, str | None]:
    """squawk-cli from PyPI, in a venv under bench/out (installed on first use)."""
    venv = out / "venv"
    squawk = venv / "bin" / "squawk"
    if squawk.exists():
        return squawk, None
    try:
        if not (venv / "bin" / "pip").exists():
            subprocess.run(["python3", "-m", "venv", str(venv)], check=True, capture_output=True, text=True)
        log("  installing squawk-cli into bench/out/venv")
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "squawk-cli"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not squawk.exists():
            return None, "pip install squawk-cli failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:200]
    except (subprocess.SubprocessError, OSError) as e:
        shutil.rmtree(venv, ignore_errors=True)
        return None, f"could not install squawk-cli: {e}"
    return squawk, None
