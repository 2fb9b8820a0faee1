"""Starts a set-up, plays the scenarios against it, and records what each cost."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Callable, Dict, Iterable, List

from benchmarks import load, machine, setups

SCENARIOS: Dict[str, load.Scenario] = {
    # Saturation: every user sends the next message as soon as the reply is in.
    "saturation": load.Scenario(users=50, duration_s=60.0),
    # The morning peak: 300 employees open the widget within 5 s and have a 6-turn
    # conversation, reading ~5 s (2.5-7.5 s) per reply: a burst of ~60 msg/s.
    "peak": load.Scenario(
        users=300,
        turns=6,
        think_s=5.0,
        ramp_s=5.0,
        deadline_s=300.0,
    ),
}

SETUPS = {
    "leercoach-sqlite": ("leercoach", lambda: setups.leercoach("sqlite")),
    "stock-sqlite": ("stock", lambda: setups.stock("sqlite")),
    "stock-memory": ("stock", lambda: setups.stock("memory")),
    "cluster": ("leercoach", setups.cluster),
}


class PeakRss(threading.Thread):
    """Samples the RSS of each process of a set-up once a second; keeps the highest."""

    def __init__(self, running: setups.Running) -> None:
        super().__init__(daemon=True)
        self.running, self.peak = running, running.rss_mb()
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(1.0):
            for name, mb in self.running.rss_mb().items():
                self.peak[name] = max(self.peak.get(name, 0), mb)

    def stop(self) -> Dict[str, float]:
        self._halt.set()
        self.join()
        return self.peak


def measure(
    setup: str,
    scenarios: Iterable[str],
    duration_s: float = 60.0,
    progress: Callable[[str], None] = lambda line: None,
    overrides: Dict[str, dict] | None = None,
) -> List[dict]:
    """One row per scenario for `setup` (a key of SETUPS). `overrides` changes scenario fields
    (e.g. a smoke run: {"saturation": {"users": 2, "duration_s": 3}})."""
    bot, start = SETUPS[setup]
    rows = []
    load_before = machine.load_average()
    with start() as running:
        progress(f"bench: {running.name} ready in {running.ready_s:.1f} s")
        for key in scenarios:
            scenario = SCENARIOS[key]
            scenario = replace(
                scenario,
                **{
                    "duration_s": duration_s if scenario.duration_s else None,
                    **(overrides or {}).get(key, {}),
                },
            )
            rss = PeakRss(running)
            cpu = machine.CpuWatch(running.pids()).start()
            rss.start()
            results = load.run(scenario, running.url, bot)
            rows.append(
                {
                    "setup": running.name,
                    "scenario": scenario.name,
                    **results.summary(),
                    "rss_mb": rss.stop(),
                    **_cpu_per_message(cpu.stop(), results.messages),
                    "load_before": load_before,
                    "load_after": machine.load_average(),
                    "ready_s": round(running.ready_s, 1),
                    "train_s": running.train_s,
                }
            )
            progress(
                f"bench: {running.name}, {scenario.name}: {rows[-1]['msg_per_s']} msg/s, "
                f"p95 {rows[-1]['p95_ms']} ms, {rows[-1]['errors']} errors"
            )
    return rows


def _cpu_per_message(cpu: dict, messages: int) -> dict:
    """The set-up's own processor time per message: what a turn costs whatever the neighbours
    do (on a shared machine the wall-clock figures are mostly waiting for a core)."""
    return {**cpu, "cpu_ms_per_msg": round(cpu.pop("cpu_s_setup") * 1000 / max(messages, 1), 1)}
