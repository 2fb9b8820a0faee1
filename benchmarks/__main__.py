"""`make bench`: Leercoach and the stock `rasa init` bot under the same load, in one run.

    python -m benchmarks [--setups leercoach-sqlite,stock-sqlite] [--scenarios saturation,peak]
                         [--duration 60] [--out reports/bench]

Writes reports/bench/bench-<time>.md and .json, and latest.md (the figures the README quotes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import report
from benchmarks.measure import SCENARIOS, SETUPS, measure
from leercoach.settings import PROJECT_ROOT


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--setups", default=",".join(SETUPS), help="comma-separated, from: " + ", ".join(SETUPS)
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="from: " + ", ".join(SCENARIOS))
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds of back-to-back load (saturation)"
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    setups, scenarios = args.setups.split(","), args.scenarios.split(",")
    unknown = [s for s in setups if s not in SETUPS] + [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    rows = []
    for setup in setups:
        rows.extend(measure(setup, scenarios, duration_s=args.duration, progress=print))
    written = report.write(rows, args.out, duration_s=args.duration)
    print(written.read_text(encoding="utf-8"))
    print(f"bench: report in {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
