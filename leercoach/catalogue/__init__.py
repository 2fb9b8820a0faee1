"""The topic catalogue: the one list of what Leercoach talks about.

``topics.yml`` here is a copy of ``../shared/topics.yml`` (the contract between
NLU, answers, coaching and HR analytics); a test keeps the two identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

CATALOGUE_FILE = Path(__file__).with_name("topics.yml")

# Groups whose items are shown as a numbered list under an overview answer.
LIST_GROUPS = ("kenmerk", "drager", "route")


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    group: str


@lru_cache(maxsize=1)
def _load() -> Tuple[Dict[str, List[Topic]], Dict[str, Topic]]:
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    groups: Dict[str, List[Topic]] = {}
    by_key: Dict[str, Topic] = {}
    for group, entries in raw.items():
        groups[group] = [Topic(e["key"], e["title"], group) for e in entries]
        for topic in groups[group]:
            by_key[topic.key] = topic
    return groups, by_key


def groups() -> Dict[str, List[Topic]]:
    """All groups (faq, kenmerk, drager, route, dialogue) with their topics, in catalogue order."""
    return _load()[0]


def topics_in(group: str) -> List[Topic]:
    return _load()[0][group]


def topic(key: str) -> Topic:
    """The topic with this key; KeyError for a key that is not in the catalogue."""
    return _load()[1][key]


def all_keys() -> List[str]:
    return list(_load()[1])


def is_topic(key: str) -> bool:
    return key in _load()[1]
