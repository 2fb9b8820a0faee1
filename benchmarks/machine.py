"""What the machine is and how busy it is, read from /proc (psutil is not in the venv)."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Dict, Iterable, List

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def description() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    return {"cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024**2, 1), "cpu": cpu}


def load_average() -> float:
    """The 1-minute load average (runnable processes, all users of the machine)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def busy_ticks() -> int:
    """CPU time spent by everything on the machine (all cores), in clock ticks."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split()[1:9]
    )
    return user + nice + system + irq + softirq + steal


def _stat(pid: int) -> List[str]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()  # fields after the command name


def process_ticks(pids: Iterable[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = _stat(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def rss_mb(pid: int) -> float:
    try:
        return int(_stat(pid)[21]) * PAGE_KB / 1024
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def children(pid: int) -> List[int]:
    """Direct child processes of `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    return found


def tree(pid: int) -> List[int]:
    """`pid` and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children(current))
    return found


class CpuWatch:
    """How many cores the machine's OTHER processes (other agents, not the set-up under test and
    not this client) kept busy between start() and stop()."""

    def __init__(self, own_pids: Iterable[int]) -> None:
        self.own_pids = list(own_pids) + [os.getpid()]

    def start(self) -> CpuWatch:
        self._busy, self._own = busy_ticks(), process_ticks(self.own_pids)
        self._wall = os.times().elapsed
        return self

    def stop(self) -> Dict[str, float]:
        wall = max(os.times().elapsed - self._wall, 1e-6)
        busy = (busy_ticks() - self._busy) / CLOCK_TICKS
        own = (process_ticks(self.own_pids) - self._own) / CLOCK_TICKS
        return {
            "cores_used_by_setup": round(own / wall, 2),
            "cpu_s_setup": round(own, 2),
            "cores_used_by_others": round(max(busy - own, 0) / wall, 2),
        }
