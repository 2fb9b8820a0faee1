"""Is a message English, or not language at all? Decides which fallback text fits."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import FrozenSet

import yaml

from leercoach import content
from leercoach.answering.words import words
from leercoach.settings import PROJECT_ROOT

# Share of a message's words that must be known Dutch for it to count as language.
MIN_KNOWN_SHARE = 0.5
# Share of English-only words from which a message counts as English.
MIN_ENGLISH_SHARE = 0.4


def is_english(text: str) -> bool:
    english = set(content.signals()["english"])
    found = words(text)
    hits = sum(w in english for w in found)
    return hits >= 2 and hits / len(found) >= MIN_ENGLISH_SHARE


# A typo keeps the start of a word ("leercultur"): a word whose first letters begin a known
# word counts as known.
PREFIX = 5


def is_gibberish(text: str) -> bool:
    """No words, or mostly words that neither the training data nor the answers contain."""
    found = [w for w in words(text) if not w.isdigit()]
    if not found:
        return True
    known, prefixes = known_words(), known_prefixes()
    recognised = sum(w in known or (len(w) >= PREFIX and w[:PREFIX] in prefixes) for w in found)
    return recognised / len(found) < MIN_KNOWN_SHARE


@lru_cache(maxsize=1)
def known_prefixes() -> FrozenSet[str]:
    return frozenset(w[:PREFIX] for w in known_words() if len(w) >= PREFIX)


@lru_cache(maxsize=1)
def known_words(root: Path = PROJECT_ROOT) -> FrozenSet[str]:
    """Every word of the NLU training data (but out_of_scope: it holds keyboard mash on purpose)
    and of the answer texts."""
    vocabulary = set()
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if block.get("intent") != "out_of_scope":
                vocabulary.update(words(block.get("examples", "")))
    vocabulary.update(words(content.ANSWERS_FILE.read_text(encoding="utf-8")))
    return frozenset(vocabulary)
