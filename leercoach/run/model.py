"""Trains a Rasa model only when its inputs changed since the last one."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List

from leercoach.settings import PROJECT_ROOT

MODEL_PREFIX = "leercoach-"


class LaunchError(Exception):
    """A problem the person starting Leercoach can fix; shown as one line, no traceback."""


def training_inputs(root: Path = PROJECT_ROOT) -> List[Path]:
    """Everything `rasa train` reads: the config, the domain and all training data."""
    data = sorted(p for p in (root / "data").rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
    return [root / "config.yml", root / "domain.yml", *data]


def fingerprint(files: Iterable[Path], root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    digest.update(_software_identity().encode())
    return digest.hexdigest()[:12]


def _software_identity() -> str:
    """A new Rasa or another Dutch pipeline (official vs stand-in) must retrain too:
    Rasa itself knows the spaCy model only by its name."""
    import rasa

    from leercoach.nlp.installed import find_installed

    pipeline = find_installed()
    spacy_model = f"{pipeline.version}:{pipeline.cache_key or pipeline.origin}" if pipeline else "none"
    return f"rasa {rasa.__version__}; nl_core_news_sm {spacy_model}"


def model_path(root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current inputs lives (it may not exist yet)."""
    return root / "models" / f"{MODEL_PREFIX}{fingerprint(training_inputs(root), root)}.tar.gz"


def check_spacy_pipeline() -> None:
    from leercoach.nlp.installed import find_installed

    if find_installed() is None:
        raise LaunchError(
            "De Nederlandse spaCy-pipeline nl_core_news_sm is niet geïnstalleerd: run `make install`."
        )


def ensure_model(root: Path = PROJECT_ROOT) -> Path:
    """The model for the current data, trained first if data/, domain.yml or config.yml changed."""
    target = model_path(root)
    if target.exists():
        print(f"Model is up to date: {target.relative_to(root)}")
        return target
    check_spacy_pipeline()
    print(f"Training a new model (data, domain or config changed): {target.relative_to(root)}")
    command = [
        sys.executable,
        "-m",
        "leercoach.run.rasa_cli",  # Rasa with Leercoach's overrides, as the servers run it
        "train",
        "--config",
        str(root / "config.yml"),
        "--domain",
        str(root / "domain.yml"),
        "--data",
        str(root / "data"),
        "--out",
        str(target.parent),
        "--fixed-model-name",
        target.name[: -len(".tar.gz")],
    ]
    started = time.monotonic()
    if subprocess.run(command, cwd=root).returncode != 0 or not target.exists():
        raise LaunchError("Training failed; the lines above say why (try `make validate`).")
    # `make bench` reports how long training took.
    training_record(target).write_text(json.dumps({"train_seconds": round(time.monotonic() - started, 1)}))
    return target


def training_record(model: Path) -> Path:
    """models/leercoach-<fingerprint>.json beside the model: how long its training took."""
    return model.with_name(model.name[: -len(".tar.gz")] + ".json")
