"""Running commands, timing them, and alternating two sides so drift hits both equally."""
from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


class SideFailed(Exception):
    """A measured command did not do its job; the message says why, in one line."""


@dataclass
class Cmd:
    args: list[str]
    cwd: Path | None = None
    env: dict[str, str] | None = None
    ok_codes: tuple[int, ...] = (0,)

    def run(self) -> tuple[float, subprocess.CompletedProcess]:
        env = {**os.environ, **(self.env or {})}
        start = time.perf_counter()
        done = subprocess.run(self.args, cwd=self.cwd, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        if done.returncode not in self.ok_codes:
            raise SideFailed(f"`{' '.join(self.short_args())}` exited {done.returncode}: {first_line(done.stderr or done.stdout)}")
        return elapsed, done

    def short_args(self) -> list[str]:
        return [Path(self.args[0]).name] + [a if len(a) < 60 else a[:57] + "..." for a in self.args[1:6]] + \
            (["…"] if len(self.args) > 6 else [])


def first_line(text: str) -> str:
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()[:200]
    return "(no output)"


def alternate(a, b, runs: int) -> tuple[list[float], list[float]]:
    """Run callables a and b `runs` times each in ABBA order; each returns the seconds it measured."""
    ta, tb = [], []
    for i in range(runs):
        if i % 2 == 0:
            ta.append(a())
            tb.append(b())
        else:
            tb.append(b())
            ta.append(a())
    return ta, tb


def repeat(a, runs: int) -> list[float]:
    return [a() for _ in range(runs)]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class Row:
    """One line of the results table. Times in seconds, memory in KiB (see unit)."""
    name: str
    case: str
    gitgate: list[float] = field(default_factory=list)
    alternative: list[float] = field(default_factory=list)
    alternative_name: str = ""
    unit: str = "ms"  # how to show values: ms, ms/op, MiB
    not_measured: str | None = None  # why the gitgate side has no figure
    alternative_failed: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        g, a = median(self.gitgate), median(self.alternative)
        return g / a if g is not None and a else None

    def to_json(self) -> dict:
        return {
            "name": self.name, "case": self.case, "unit": self.unit,
            "alternative": self.alternative_name,
            "gitgate_median": median(self.gitgate), "alternative_median": median(self.alternative),
            "ratio_gitgate_over_alternative": self.ratio,
            "gitgate_samples": self.gitgate, "alternative_samples": self.alternative,
            "not_measured": self.not_measured, "alternative_failed": self.alternative_failed,
            "notes": self.notes,
        }
