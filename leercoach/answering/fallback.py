"""Decides between asking "did you mean A or B?" and a general "I did not understand"."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from leercoach import catalogue

# Topics worth offering as a choice: answers a person can ask for. Yes/no, greetings
# and "out of scope" are not things to pick from a "Bedoel je ...?" question.
_NOT_CLARIFIABLE = {"affirm", "deny", "greet", "goodbye", "thanks", "out_of_scope"}


def clarification_candidates(
    intent_ranking: Sequence[dict], threshold: float, ambiguity_threshold: float
) -> Optional[Tuple[str, str]]:
    """The two topics to ask about, or None when the message was simply not understood.

    Clarify only when the best guess is confident on its own (≥ threshold) and the
    runner-up is within ``ambiguity_threshold`` of it: then one of the two is meant.
    """
    ranked: List[dict] = [r for r in intent_ranking if r.get("name") != "nlu_fallback"]
    if len(ranked) < 2:
        return None
    first, second = ranked[0], ranked[1]
    if first["confidence"] < threshold:
        return None
    if first["confidence"] - second["confidence"] >= ambiguity_threshold:
        return None
    keys = (first["name"], second["name"])
    if any(not catalogue.is_topic(k) or k in _NOT_CLARIFIABLE for k in keys):
        return None
    return keys
