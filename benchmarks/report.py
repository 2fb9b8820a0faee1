"""The bench's Markdown table (reports/bench/), with the machine and how busy it was."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from benchmarks import machine

COLUMNS = (
    "set-up",
    "scenario",
    "msg/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "empty replies",
    "RSS MB per process",
    "ready s",
    "load avg before → after",
    "cores used by others",
    "CPU ms per msg",
)
SATURATION_TARGET = 75.0
STOCK_RATIO_TARGET = 1.3


def _rss(rss: dict) -> str:
    return ", ".join(f"{name} {mb:.0f}" for name, mb in rss.items())


def _cells(row: dict) -> List[str]:
    return [
        row["setup"],
        row["scenario"],
        f"{row['msg_per_s']:.1f}",
        str(row["p50_ms"]),
        str(row["p95_ms"]),
        str(row["p99_ms"]),
        str(row["errors"]),
        str(row["empty_replies"]),
        _rss(row["rss_mb"]),
        f"{row['ready_s']:.1f}",
        f"{row['load_before']:.2f} → {row['load_after']:.2f}",
        f"{row['cores_used_by_others']:.2f}",
        f"{row['cpu_ms_per_msg']:.1f}" if "cpu_ms_per_msg" in row else "",
    ]


def _saturation(rows: List[dict], setup: str) -> Optional[float]:
    return next(
        (r["msg_per_s"] for r in rows if r["setup"] == setup and "back-to-back" in r["scenario"]), None
    )


def targets(rows: List[dict]) -> List[str]:
    """The issue's speed targets that these rows can check."""
    lines = []
    ours, stock = _saturation(rows, "Leercoach, SQLite store"), _saturation(rows, "stock bot, SQLite store")
    if ours is not None:
        lines.append(
            f"- `make run`'s set-up saturated: {ours:.1f} msg/s (target ≥ {SATURATION_TARGET:.0f}): "
            + ("met" if ours >= SATURATION_TARGET else "NOT met")
        )
    if ours is not None and stock:
        ratio = ours / stock
        lines.append(
            f"- against the stock bot on the same SQLite store: {ratio:.2f}× (target ≥ {STOCK_RATIO_TARGET}×): "
            + ("met" if ratio >= STOCK_RATIO_TARGET else "NOT met")
        )
    for row in rows:
        if row["setup"].startswith("make cluster") and "think" in row["scenario"]:
            met = (
                (row["p95_ms"] or 1e9) <= 300
                and (row["p99_ms"] or 1e9) <= 1000
                and not row["errors"]
                and not row["empty_replies"]
            )
            lines.append(
                f"- `make cluster` under the peak: p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms, "
                f"{row['errors']} errors, {row['empty_replies']} empty (target p95 ≤ 300, p99 ≤ 1000, 0, 0): "
                + ("met" if met else "NOT met")
            )
    return lines


def markdown(rows: List[dict], when: datetime, duration_s: float) -> str:
    box = machine.description()
    trained = {r["setup"]: r["train_s"] for r in rows if r.get("train_s") is not None}
    lines = [
        f"# make bench — {when:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {box['cores']} cores, {box['ram_gb']} GB RAM, {box['cpu']}. One load client on the same "
        f"machine (loopback). Back-to-back load runs {duration_s:.0f} s. *Load avg* is the 1-minute load "
        "average before the set-up started and after the scenario; *cores used by others* is the CPU "
        "that processes outside this run (other users of the machine) took during the scenario; *CPU ms "
        "per msg* is the processor time of the set-up's own servers per message, the figure that "
        "holds whatever the neighbours do.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
        *("| " + " | ".join(_cells(row)) + " |" for row in rows),
        "",
    ]
    if trained:
        lines += [
            "Training time of the model in use: "
            + "; ".join(f"{name} {seconds:.0f} s" for name, seconds in trained.items())
            + ".",
            "",
        ]
    checks = targets(rows)
    if checks:
        lines += ["Targets:", *checks, ""]
    return "\n".join(lines)


def write(rows: List[dict], out: Path, duration_s: float) -> Path:
    """Writes bench-<time>.md/.json and latest.md to `out`; returns the Markdown file."""
    when = datetime.now(timezone.utc)
    out.mkdir(parents=True, exist_ok=True)
    text = markdown(rows, when, duration_s)
    stamp = f"bench-{when:%Y%m%d-%H%M%S}"
    (out / f"{stamp}.json").write_text(
        json.dumps({"at": when.isoformat(), "machine": machine.description(), "rows": rows}, indent=2),
        encoding="utf-8",
    )
    path = out / f"{stamp}.md"
    path.write_text(text, encoding="utf-8")
    (out / "latest.md").write_text(text, encoding="utf-8")
    return path
