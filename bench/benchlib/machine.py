"""What the figures were measured on."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path


def _first_line(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=60)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unavailable"


def describe(root: Path, squawk: Path | None, pg_bin: Path) -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    commit = _first_line(["git", "-C", str(root), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "Sources", "Package.swift"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "nproc": _first_line(["nproc"]),
        "cpu": cpu,
        "memory": memory,
        "kernel": platform.release(),
        "os": _first_line(["sh", "-c", ". /etc/os-release && echo \"$PRETTY_NAME\""]),
        "swift": _first_line(["swift", "--version"]),
        "git": _first_line(["git", "--version"]),
        "psql": _first_line(["psql", "--version"]),
        "postgres": _first_line([str(pg_bin / "postgres"), "--version"]),
        "python": sys.version.split()[0],
        "squawk": _first_line([str(squawk), "--version"]) if squawk else "not installed",
        "gitgate_commit": commit + (" (Sources modified)" if dirty else ""),
        "user": "root" if os.geteuid() == 0 else "non-root",
    }
