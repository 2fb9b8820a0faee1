"""Train NLU pipeline variants on data/ and score each on the holdout (docs/decisions/0001 and 0002).

    python -m leercoach.evaluation.variants [--nlu data/nlu] config.yml /tmp/variant-a.yml ...

Per config: NLU training time (wall and CPU seconds on this machine), holdout top-1 in scope
and out-of-scope rejection at the config's own fallback thresholds, and top-1 without them.
Slow (a training per variant): not part of make test.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from leercoach.evaluation.nlu import REJECTED, parse_holdout, scores, threshold_sweep
from leercoach.run.servers import child_environment
from leercoach.settings import PROJECT_ROOT


def thresholds_of(config: Path) -> tuple:
    for component in yaml.safe_load(config.read_text())["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component["threshold"]), float(component["ambiguity_threshold"])
    return 0.0, 0.0


def train_nlu(config: Path, out: Path, nlu: Path) -> tuple:
    """(model path, wall seconds, CPU seconds of the training process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    command = [sys.executable, "-m", "leercoach.run.rasa_cli", "train", "nlu", "--config", str(config)]
    command += ["--nlu", str(nlu), "--out", str(out), "--fixed-model-name", "nlu"]
    subprocess.run(command, cwd=PROJECT_ROOT, env=child_environment(), check=True, capture_output=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out / "nlu.tar.gz", wall, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("configs", nargs="+", type=Path)
    parser.add_argument("--nlu", type=Path, default=PROJECT_ROOT / "data" / "nlu", help="training data")
    args = parser.parse_args(argv)
    print("| config | NLU train wall | CPU | top-1 in scope | out of scope rejected | top-1 raw |")
    print("|---|---|---|---|---|---|")
    for config in args.configs:
        with tempfile.TemporaryDirectory() as folder:
            model, wall, cpu = train_nlu(config, Path(folder), args.nlu)
            parsed = parse_holdout(model)
        accuracy, rejection = scores(parsed, *thresholds_of(config))
        raw = scores(parsed, 0.0, 0.0)[0]
        # Which topics are confused (counts only, no holdout texts: the holdout stays unseen).
        confused = Counter(
            (p.gold, p.predicted(*thresholds_of(config)))
            for p in parsed
            if p.predicted(*thresholds_of(config)) != p.gold
            and not (p.gold == "out_of_scope" and p.predicted(*thresholds_of(config)) in REJECTED)
        )
        print(f"{config.name}: {dict(confused.most_common())}", file=sys.stderr)
        # The best fallback thresholds for this variant over the holdout (make eval-nlu does the same).
        print(f"{config.name} sweep: {threshold_sweep(parsed)[:5]}", file=sys.stderr)
        print(
            f"| {config.name} | {wall:.0f} s | {cpu:.0f} s | {accuracy:.3f} | {rejection:.3f} | {raw:.3f} |"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
