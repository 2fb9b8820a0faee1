"""Where the Dutch spaCy pipeline comes from: names, versions, folders, limits.

Every value a user may need to change is read from an environment variable
here, so the installer and the report agree on them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

PIPELINE_NAME = "nl_core_news_sm"
OFFICIAL_VERSION = "3.4.0"
# A PEP 440 local version: pip and `nl_core_news_sm==3.4.0` accept it, and
# anyone reading `pip list` sees at once that this is not spaCy's own release.
STANDIN_VERSION = f"{OFFICIAL_VERSION}+standin"

OFFICIAL_WHEEL_URL = (
    "https://github.com/explosion/spacy-models/releases/download/"
    f"{PIPELINE_NAME}-{OFFICIAL_VERSION}/{PIPELINE_NAME}-{OFFICIAL_VERSION}-py3-none-any.whl"
)
DOWNLOAD_TIMEOUT_SECONDS = 10

ENV_WHEEL = "LEERCOACH_SPACY_WHEEL"
ENV_UD_DUTCH_DIR = "LEERCOACH_UD_DUTCH_DIR"
ENV_TRAIN_MINUTES = "LEERCOACH_STANDIN_TRAIN_MINUTES"

# Safety net on top of max_epochs in the training config: on a busy machine a
# cold install must still finish well within 20 minutes.
DEFAULT_TRAIN_MINUTES = 14.0

REPO_ROOT = Path(__file__).resolve().parents[2]
TRAINING_CONFIG = Path(__file__).with_name("standin.cfg")

UD_LICENSE = "CC BY-SA 4.0"
UD_LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


@dataclass(frozen=True)
class Treebank:
    """One UD Dutch treebank file and the part it plays in the stand-in."""

    file_name: str
    corpus: str
    split: str

    @property
    def label(self) -> str:
        return f"{self.corpus} {self.split}"


TRAIN_TREEBANKS: Tuple[Treebank, ...] = (
    Treebank("nl_alpino-ud-dev.conllu", "UD Dutch Alpino", "dev"),
    Treebank("nl_lassysmall-ud-dev.conllu", "UD Dutch LassySmall", "dev"),
    Treebank("nl_lassysmall-ud-test.conllu", "UD Dutch LassySmall", "test"),
)
EVAL_TREEBANK = Treebank("nl_alpino-ud-test.conllu", "UD Dutch Alpino", "test")
LICENSE_FILES = ("alpino-LICENSE.txt", "lassysmall-LICENSE.txt")

TREEBANK_URLS = {
    "UD Dutch Alpino": "https://universaldependencies.org/treebanks/nl_alpino/",
    "UD Dutch LassySmall": "https://universaldependencies.org/treebanks/nl_lassysmall/",
}


def ud_dutch_dir() -> Path:
    """The UD Dutch treebanks stay in the shared folder; they never enter the repo."""
    configured = os.environ.get(ENV_UD_DUTCH_DIR)
    if configured:
        return Path(configured).expanduser()
    return REPO_ROOT.parent / "shared" / "ud-dutch"


def cache_root() -> Path:
    """Built stand-in wheels live outside the repo, so a fresh clone reuses them."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "leercoach" / "spacy-standin"


def user_wheel() -> Path | None:
    configured = os.environ.get(ENV_WHEEL)
    return Path(configured).expanduser() if configured else None


def train_time_cap_seconds() -> float:
    raw = os.environ.get(ENV_TRAIN_MINUTES)
    try:
        minutes = float(raw) if raw else DEFAULT_TRAIN_MINUTES
    except ValueError:
        minutes = DEFAULT_TRAIN_MINUTES
    return max(minutes, 0.5) * 60
