"""Which item of a list a person means: "de tweede", "nummer 3", "die laatste"."""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

# Position 1..10; "laatste" and friends are resolved against the list length.
_ORDINALS = {
    "eerste": 1,
    "eerst": 1,
    "één": 1,
    "bovenste": 1,
    "first": 1,
    "tweede": 2,
    "twee": 2,
    "second": 2,
    "derde": 3,
    "drie": 3,
    "third": 3,
    "vierde": 4,
    "vier": 4,
    "fourth": 4,
    "vijfde": 5,
    "vijf": 5,
    "fifth": 5,
    "zesde": 6,
    "zes": 6,
    "sixth": 6,
    "zevende": 7,
    "zeven": 7,
    "seventh": 7,
    "achtste": 8,
    "acht": 8,
    "eighth": 8,
    "negende": 9,
    "negen": 9,
    "tiende": 10,
    "tien": 10,
}
_LAST = {"laatste", "onderste", "last", "laatst"}
_SECOND_TO_LAST = {"voorlaatste", "op een na laatste", "op één na laatste"}


def _words(text: str) -> list:
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.findall(r"[a-zà-ÿ]+|\d+", folded)


def list_position(text: str, list_length: int) -> Optional[int]:
    """The 1-based position meant in ``text``, or None when no position is named.

    Digits win over words ("optie 3" → 3, "de 2e" → 2); "laatste" means the end of
    this list. The result may lie outside 1..list_length: the caller says so kindly.
    """
    lowered = text.lower()
    if any(phrase in lowered for phrase in _SECOND_TO_LAST):
        return list_length - 1
    words = _words(text)
    for word in words:
        if word.isdigit():
            return int(word)
    for word in words:
        if word in _LAST:
            return list_length
    for word in words:
        if word in _ORDINALS:
            return _ORDINALS[word]
    return None
