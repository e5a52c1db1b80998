"""A throwaway PostgreSQL 15 cluster: initdb into a short /tmp dir, postgres in the foreground."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "postgres"  # not "gitgate": "$user" in search_path would resolve to the ledger schema


class ClusterError(Exception):
    pass


def _as_postgres() -> list[str]:
    # initdb and postgres refuse to run as root.
    if os.geteuid() != 0:
        return []
    gid = subprocess.run(["id", "-g", "postgres"], capture_output=True, text=True, check=True).stdout.strip()
    return ["setpriv", "--reuid=postgres", f"--regid={gid}", "--clear-groups", "--"]


class Cluster:
    """Use as a context manager: the server is stopped (SIGINT) and its dir removed on any exit."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="ggb-", dir="/tmp"))  # socket paths max ~107 bytes
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return str(self.dir)

    def env(self, db: str = "postgres") -> dict[str, str]:
        """Variables that point libpq clients (psql, gitgate) at this cluster."""
        return {"PGHOST": self.host, "PGUSER": SUPERUSER, "PGDATABASE": db, "DATABASE_URL": self.url(db)}

    def url(self, db: str) -> str:
        return f"postgresql://{SUPERUSER}@/{db}?host={self.host}"

    def start(self) -> None:
        prefix = _as_postgres()
        if prefix:
            shutil.chown(self.dir, "postgres", "postgres")
        init = subprocess.run(prefix + [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                                        "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
                              capture_output=True, text=True)
        if init.returncode != 0:
            raise ClusterError(f"initdb failed: {init.stderr.strip()[-500:]}")
        log = open(self.log, "ab")
        self.process = subprocess.Popen(
            prefix + [str(PG_BIN / "postgres"), "-D", str(self.data), "-c", "listen_addresses=",
                      "-c", f"unix_socket_directories={self.dir}", "-c", "fsync=off",
                      "-c", "max_connections=50"],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ClusterError(f"postgres exited with {self.process.returncode}: {self.log_tail()}")
            ready = subprocess.run([str(PG_BIN / "pg_isready"), "-q", "-h", self.host, "-U", SUPERUSER],
                                   capture_output=True)
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise ClusterError(f"postgres did not accept connections within 30 s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace").strip()[-500:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)

    # Helpers for setup (never timed).

    def psql(self, db: str, sql: str | None = None, files: list[Path] | None = None,
             single_transaction: bool = False) -> str:
        args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-U", SUPERUSER, "-d", db]
        if single_transaction:
            args.append("-1")
        if sql is not None:
            args += ["-c", sql]
        for f in files or []:
            args += ["-f", str(f)]
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode != 0:
            raise ClusterError(f"psql on {db} failed: {done.stderr.strip()[-800:]}")
        return done.stdout

    def create_db(self, name: str, template: str | None = None) -> None:
        # FILE_COPY: copying a template of thousands of tables through WAL (the default) is far slower.
        tpl = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name}")
        self.psql("postgres", f"CREATE DATABASE {name}{tpl}")

    def drop_db(self, name: str) -> None:
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
