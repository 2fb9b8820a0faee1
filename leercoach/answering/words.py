"""Whole-word matching of a message against word lists from the content files."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, List


def words(text: str) -> List[str]:
    """The lower-case words of ``text`` (letters, digits, inner hyphens and apostrophes)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.findall(r"[a-zà-ÿ0-9]+(?:['’-][a-zà-ÿ0-9]+)*", folded)


def normalised(text: str) -> str:
    """``text`` as its words joined by single spaces, padded, for phrase matching."""
    return f" {' '.join(words(text))} "


def has_phrase(text: str, phrases: Iterable[str]) -> bool:
    """Whether one of ``phrases`` occurs in ``text`` as whole words."""
    padded = normalised(text)
    return any(normalised(phrase) in padded for phrase in phrases)


def has_word_start(text: str, beginnings: Iterable[str]) -> bool:
    """Whether a word (or a phrase) of ``text`` starts with one of ``beginnings``."""
    padded = normalised(text)
    return any(f" {' '.join(words(b))}" in padded for b in beginnings)
