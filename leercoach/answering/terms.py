"""Which word of the answers a person asks about: "wat is intervisie?" → intervisie."""

from __future__ import annotations

from typing import Optional

from leercoach import content
from leercoach.answering.words import has_phrase


def term_in(text: str) -> Optional[str]:
    """The key of the first term (answers.yml ``terms:``) whose words occur in ``text``."""
    for key, entry in content.terms().items():
        if has_phrase(text, entry["words"]):
            return key
    return None
