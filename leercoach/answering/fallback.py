"""Which fallback fits a message: "did you mean A or B?", the closest topics, not understood,
English, or off-topic with where to go. Never the same text twice in a row."""

from __future__ import annotations

from typing import Collection, List, Optional, Sequence, Tuple

from leercoach import catalogue, content
from leercoach.answering.words import has_word_start

# Topics a person can be sent to from an unsure answer: knowledge and the coaching flow.
_CLOSEST_GROUPS = ("faq", "kenmerk", "drager", "route")
CLOSEST_COUNT = 3

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


def closest_topics(intent_ranking: Sequence[dict], count: int = CLOSEST_COUNT) -> List[str]:
    """The best-ranked knowledge topics (or coaching), for "gaat het over een van deze?"."""
    keys = []
    for entry in intent_ranking:
        key = entry.get("name")
        if key == "start_coaching" or (
            catalogue.is_topic(key) and catalogue.topic(key).group in _CLOSEST_GROUPS
        ):
            keys.append(key)
    return keys[:count]


def off_topic_destination(text: str) -> str:
    """Where an off-topic question belongs: "hr", "servicedesk" or "other" (content/signals.yml)."""
    for destination, beginnings in content.signals()["off_topic"].items():
        if has_word_start(text, beginnings):
            return destination
    return "other"


def fresh_variant(variants: Sequence[str], just_said: Collection[str]) -> str:
    """The first variant that is not among what Leercoach just said: never the same text twice."""
    said = {text.strip() for text in just_said}
    for text in variants:
        if text.strip() not in said:
            return text
    return variants[0]
