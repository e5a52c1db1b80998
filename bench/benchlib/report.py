"""The results as a Markdown table (printed and written) and as JSON."""
from __future__ import annotations

import json
from pathlib import Path

from .timing import Row, median


def _value(values: list[float], unit: str) -> str:
    m = median(values)
    if m is None:
        return "—"
    if unit == "MiB":
        return f"{m:.1f} MiB"
    ms = m * 1000
    text = f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"
    return text.replace(" ms", " ms/op") if unit == "ms/op" else text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row]) -> str:
    lines = ["| Row | Case | gitgate (median) | Alternative (median) | gitgate ÷ alternative | Runs | Notes |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        g = f"not measured: {r.not_measured}" if r.not_measured else _value(r.gitgate, r.unit)
        alt = f"failed: {r.alternative_failed}" if r.alternative_failed else _value(r.alternative, r.unit)
        alt = f"{alt} ({r.alternative_name})"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        runs = str(max(len(r.gitgate), len(r.alternative)))
        lines.append("| " + " | ".join(_cell(c) for c in (r.name, r.case, g, alt, ratio, runs, "; ".join(r.notes)))
                     + " |")
    return "\n".join(lines)


def markdown(rows: list[Row], machine: dict, config: dict, setup: dict, seconds: float) -> str:
    out = ["# gitgate benchmark results", ""]
    out.append("Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()))
    out.append("")
    out.append("Run: " + ", ".join(f"{k} {v}" for k, v in config.items()) + f"; total {seconds:.0f} s")
    out.append("")
    out.append(table(rows))
    out.append("")
    out.append("Each row runs both sides in the same run, alternating (ABBA) after one unmeasured check run each; "
               "figures are medians, the ratio is median(gitgate) ÷ median(alternative), below 1 means gitgate is faster.")
    if setup:
        out.append("")
        out.append("Setup (not measured): " + ", ".join(f"{k} {v:.1f} s" for k, v in setup.items()))
    return "\n".join(out) + "\n"


def write(out: Path, rows: list[Row], machine: dict, config: dict, setup: dict, seconds: float) -> str:
    md = markdown(rows, machine, config, setup, seconds)
    (out / "results.md").write_text(md)
    (out / "results.json").write_text(json.dumps({
        "machine": machine, "config": config, "setup_seconds": setup, "total_seconds": round(seconds, 1),
        "rows": [r.to_json() for r in rows]}, indent=2) + "\n")
    return md
