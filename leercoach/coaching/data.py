"""Reads the coaching data files (texts, routes, weights, steps, goal words) once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Dict

import yaml

from leercoach.content import fill

DATA_DIR = Path(__file__).parent
FILES = ("texts", "routes", "route_weights", "steps", "goal_words")


@cache
def load(name: str) -> Dict[str, Any]:
    """The parsed data file ``<name>.yml`` (a cache of files, not of conversations)."""
    if name not in FILES:
        raise KeyError(f"unknown coaching data file: {name}")
    data = yaml.safe_load((DATA_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{name}.yml must hold a mapping")
    return data


def text(*path: str, **values: Any) -> str:
    """A text from texts.yml by its path, with its {placeholders} filled in."""
    node: Any = load("texts")
    for part in path:
        node = node[part]
    if not isinstance(node, str):
        raise TypeError(f"texts.yml: {'.'.join(path)} is not a text")
    return fill(" ".join(node.split()), what=f"texts.yml {'.'.join(path)}", **values)


def join_words(items: list) -> str:
    """'a', 'a en b', 'a, b en c' — Dutch enumeration."""
    items = [str(i) for i in items if i]
    conj = f" {load('texts')['plan']['list_and']} "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + conj + items[-1]
