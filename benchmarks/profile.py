"""`make profile`: where a turn's time goes, and whether it grows with the conversation.

Starts the action server and one Rasa server as `make run` does (the project's endpoints.yml
on a fresh SQLite file), the Rasa server under benchmarks.timed_rasa, and has ONE employee
chat 200 turns (the bench's Leercoach conversations one after the other, one message at a
time). Writes reports/profile/latest.md: the median milliseconds per part of a turn at
turns 1-40, 81-120 and 161-200, plus pyinstrument's tree of the whole run (profile.html/.txt).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List

import aiohttp

from benchmarks import load, machine
from benchmarks.setups import _endpoints
from benchmarks.timed_rasa import PARTS
from leercoach.run.model import model_path
from leercoach.run.servers import Servers, rasa_run_command
from leercoach.settings import PROJECT_ROOT
from tests.support import free_port

BUCKETS = ((1, 40), (81, 120), (161, 200))
GROWTH_TARGET = 1.3


async def _chat(url: str, turns: int) -> List[float]:
    """One employee, `turns` messages in one conversation; the client-side latency of each."""
    steps = [step for script in load.scripts("leercoach").values() for step in script]
    results, latencies, reply = load.Results(), [], []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for turn in range(turns):
            started = time.perf_counter()
            reply = await load._send(
                session,
                f"{url}/webhooks/rest/webhook",
                "profile-employee",
                load._payload_for(steps[turn % len(steps)], reply, results),
                results,
            )
            latencies.append(time.perf_counter() - started)
    # An action that fails inside Rasa gives an empty reply, not an HTTP error: count both.
    if results.errors or results.empty_replies:
        raise RuntimeError(
            f"{results.errors} errors and {results.empty_replies} empty replies while profiling:"
            f" {results.error_kinds}"
        )
    return latencies


def _medians(records: List[dict], latencies: List[float]) -> Dict[str, Dict[str, float]]:
    """Per bucket: the median of each part, of 'locks and the rest' and of the HTTP round trip."""
    table: Dict[str, Dict[str, float]] = {}
    for first, last in BUCKETS:
        chosen = [r for r in records if first <= r["number"] <= last]
        if not chosen:
            continue
        row = {}
        for *_ignored, part in PARTS:
            row[part] = statistics.median(r.get(part, 0.0) for r in chosen)
        row["locks (turn − processor)"] = statistics.median(
            r["turn"] - r.get("processor", 0.0) for r in chosen
        )
        row["HTTP round trip (client)"] = statistics.median(latencies[r["number"] - 1] * 1000 for r in chosen)
        table[f"turns {first}–{last}"] = row
    return table


def _markdown(table: Dict[str, Dict[str, float]], label: str, when: datetime, load_avg: tuple) -> str:
    buckets = list(table)
    box = machine.description()
    lines = [
        f"# make profile — {label} — {when:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {box['cores']} cores, {box['ram_gb']} GB RAM, {box['cpu']}; load average "
        f"{load_avg[0]:.2f} before, {load_avg[1]:.2f} after. One conversation, one message at a time, "
        "SQLite tracker store, real action server. Median milliseconds per turn; a part named "
        "`X: …` is included in X; *turn* starts when Rasa gets the message from the channel.",
        "",
        "| part | " + " | ".join(buckets) + " |",
        "|---|" + "---|" * len(buckets),
    ]
    for part in table[buckets[0]]:
        lines.append(f"| {part} | " + " | ".join(f"{table[b][part]:.1f}" for b in buckets) + " |")
    first, middle = buckets[0], buckets[min(1, len(buckets) - 1)]
    ratio = table[middle]["turn"] / table[first]["turn"]
    lines += ["", f"Growth: {middle} take {ratio:.2f}× the time of {first} (target ≤ {GROWTH_TARGET}×).", ""]
    return "\n".join(lines)


def _render(session_file: Path, out: Path) -> None:
    from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer
    from pyinstrument.session import Session

    session = Session.load(str(session_file))
    (out / "profile.html").write_text(HTMLRenderer().render(session), encoding="utf-8")
    text = ConsoleRenderer(unicode=True, color=False, show_all=False).render(session)
    (out / "profile.txt").write_text(text, encoding="utf-8")


def profile(turns: int, out: Path, label: str, pyinstrument: bool) -> Path:
    model = model_path()
    if not model.exists():
        raise RuntimeError("no model for the current data: run `make train` first")
    out.mkdir(parents=True, exist_ok=True)
    load_before = machine.load_average()
    with tempfile.TemporaryDirectory(prefix="leercoach-profile-") as folder:
        times = Path(folder) / "turns.jsonl"
        action_port, rasa_port = free_port(), free_port()
        endpoints = _endpoints(Path(folder), action_port, "sqlite")
        servers = Servers(Path(folder) / "logs")
        # A key of its own: the REST channel turns the sender id into a pseudonym with it.
        extra = {"LEERCOACH_TURN_TIMES": str(times), "LEERCOACH_PSEUDONYM_KEY": secrets.token_hex(32)}
        if pyinstrument:
            extra["LEERCOACH_PYINSTRUMENT"] = str(Path(folder) / "session.pyisession")
        try:
            actions = servers.start(
                "actions", [sys.executable, "-m", "rasa", "run", "actions", "--port", str(action_port)]
            )
            servers.wait_until_up(actions, f"http://127.0.0.1:{action_port}/health", timeout=120)
            rasa = servers.start(
                "rasa",
                rasa_run_command(model, endpoints, rasa_port, module="benchmarks.timed_rasa"),
                extra_env=extra,
            )
            servers.wait_until_up(rasa, f"http://127.0.0.1:{rasa_port}/", timeout=300)
            latencies = asyncio.run(_chat(f"http://127.0.0.1:{rasa_port}", turns))
            os.killpg(rasa.process.pid, signal.SIGTERM)  # lets pyinstrument save its session
            rasa.process.wait(timeout=300)
        finally:
            servers.stop_all()
        if pyinstrument:
            _render(Path(folder) / "session.pyisession", out)
        records = [json.loads(line) for line in times.read_text().splitlines()]
        (out / "turns.jsonl").write_text(times.read_text())
    table = _medians(records, latencies)
    when = datetime.now(timezone.utc)
    text = _markdown(table, label, when, (load_before, machine.load_average()))
    (out / f"profile-{when:%Y%m%d-%H%M%S}.json").write_text(
        json.dumps({"label": label, "table": table}, indent=2)
    )
    (out / "latest.md").write_text(text, encoding="utf-8")
    return out / "latest.md"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--label", default="current code")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "profile")
    parser.add_argument(
        "--no-pyinstrument", action="store_true", help="timers only (pyinstrument slows a turn)"
    )
    args = parser.parse_args(argv)
    written = profile(args.turns, args.out, args.label, pyinstrument=not args.no_pyinstrument)
    print(written.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
