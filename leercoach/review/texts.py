"""The review app's Dutch texts from texts.yml (one source; HR may change them)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from leercoach.content import fill

TEXTS_FILE = Path(__file__).with_name("texts.yml")


@lru_cache(maxsize=1)
def _messages() -> dict:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))["messages"]


def text(key: str, **values) -> str:
    return fill(_messages()[key], f"review text {key}", **values)
