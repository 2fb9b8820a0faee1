"""The six coaching questions and how a typed answer maps to one of their options.

Buttons send the option value directly; this module understands the typed alternatives
("ongeveer 2 uur", "liever met collega's", "weet ik niet") with the keywords in texts.yml.
"""

from __future__ import annotations

import json
import re
from typing import Dict, List, Optional

from leercoach.coaching.data import load
from leercoach.dialogue import slots

NEGATIONS = ("niet", "geen", "not", "no")
NUMBER_WORDS = {
    "een": 1,
    "één": 1,
    "eén": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "anderhalf": 1.5,
    "half": 0.5,
}
_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_HOURS = re.compile(
    r"(?P<cmp>minder dan|meer dan|max(?:imaal)?|hooguit|ruim|<|>)?\s*"
    + _NUMBER.replace("(", "(?P<low>", 1)
    + r"(?:\s*(?:-|tot|à|a|of)\s*"
    + _NUMBER.replace("(", "(?P<high>", 1)
    + r")?\s*(?P<unit>uur|uren|uurtjes?|u|h|hours?|min(?:uten|uutjes?)?|kwartier)?(?!\w)",
    re.IGNORECASE,
)


def question_order() -> List[str]:
    return list(load("texts")["questions"])


def question(slot: str) -> Dict:
    return load("texts")["questions"][slot]


def is_choice(slot: str) -> bool:
    return bool(question(slot).get("options"))


def options(slot: str) -> List[Dict]:
    return list(question(slot).get("options") or [])


def option_values(slot: str) -> List[str]:
    return [str(o["value"]) for o in options(slot)]


def summary(slot: str, value: Optional[str]) -> Optional[str]:
    for option in options(slot):
        if str(option["value"]) == value:
            return option["summary"]
    return None


def _number(raw: str) -> float:
    raw = raw.lower()
    return NUMBER_WORDS[raw] if raw in NUMBER_WORDS else float(raw.replace(",", "."))


def hours_per_week(text: str) -> Optional[float]:
    """'2 uur' -> 2, 'minder dan een uur' -> 0.5, '30 minuten' -> 0.5, '1 tot 3' -> 3."""
    lowered = " ".join(text.lower().split())
    for found in _HOURS.finditer(lowered):
        has_unit = bool(found.group("unit"))
        has_cmp = bool(found.group("cmp"))
        is_whole_answer = found.group(0).strip() == lowered.strip()
        if not (has_unit or has_cmp or is_whole_answer):
            continue
        if not has_unit and found.group("low") in NUMBER_WORDS and not is_whole_answer and not has_cmp:
            continue
        value = _number(found.group("high") or found.group("low"))
        unit = (found.group("unit") or "uur").lower()
        if unit.startswith("min"):
            value /= 60
        elif unit == "kwartier":
            value /= 4
        comparison = (found.group("cmp") or "").lower()
        if comparison in ("minder dan", "<", "max", "maximaal", "hooguit"):
            value -= 0.5 if comparison in ("minder dan", "<") else 0
        elif comparison in ("meer dan", ">", "ruim"):
            value += 0.5
        return value
    return None


def _time_value(hours: float) -> str:
    if hours < 1:
        return "lt1"
    return "1_3" if hours <= 3 else "gt3"


def keyword_hits(text: str, keywords: List[str]) -> List[str]:
    """Keywords found as whole words and not right after a negation ("niet alleen")."""
    lowered = " ".join(text.lower().split())
    hits = []
    for keyword in keywords:
        keyword = str(keyword).lower()
        pattern = r"(?<![\w'])" + re.escape(keyword) + r"(?![\w'])"
        for found in re.finditer(pattern, lowered):
            before = lowered[: found.start()].split()
            if before and before[-1] in NEGATIONS and keyword not in NEGATIONS:
                continue
            hits.append(keyword)
            break
    return hits


def interpret(slot: str, text: Optional[str], intent: Optional[str] = None) -> Optional[str]:
    """The option value a typed answer means, or None when it is unclear."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return None
    if slot == "time_per_week":
        hours = hours_per_week(text)
        if hours is not None:
            return _time_value(hours)
    best_value, best_length = None, 0
    tie = False
    for option in options(slot):
        for hit in keyword_hits(text, option.get("keywords") or []):
            if len(hit) > best_length:
                best_value, best_length, tie = str(option["value"]), len(hit), False
            elif len(hit) == best_length and str(option["value"]) != best_value:
                tie = True
    if best_value is not None and not tie:
        return best_value
    if question(slot).get("yes_no") and intent in ("affirm", "deny") and best_value is None:
        return "yes" if intent == "affirm" else "no"
    return None


def option_payload(slot: str, value: str) -> str:
    """The button payload that answers ``slot`` with ``value`` without going through NLU."""
    return "/inform" + json.dumps({slot: str(value)}, separators=(",", ":"))


def interrupting_intents() -> Dict[str, str]:
    """intent -> "knowledge" or "command": messages that are not an answer to a question."""
    from leercoach import catalogue

    settings = load("texts")["interruptions"]
    found = {t.key: "knowledge" for g in settings["knowledge_groups"] for t in catalogue.topics_in(g)}
    found.update({intent: "command" for intent in settings["commands"] + settings["other_topics"]})
    return found


def reads_as_question(text: str) -> bool:
    words = text.strip().lower().split()
    starters = {str(w).lower() for w in load("texts")["interruptions"]["question_words"]}
    return text.strip().endswith("?") or bool(words and words[0].strip(",.!") in starters)


def asks_to_go_on(intent: Optional[str], confidence: float) -> bool:
    """'Ga verder' while a question is open: the question is simply asked again."""
    settings = load("texts")["interruptions"]
    return intent in (settings.get("reask") or []) and confidence >= float(settings["confidence"])


def is_interruption(slot: str, intent: Optional[str], confidence: float, text: str) -> bool:
    """Is this message about something else than the question for ``slot``?

    Only for a confidently recognised knowledge topic or coaching command. For the free-text
    goal a knowledge topic must also read as a question: "beter feedback geven" is a goal,
    "hoe geef je goede feedback?" is a question.
    """
    kind = interrupting_intents().get(intent or "")
    if kind is None or confidence < float(load("texts")["interruptions"]["confidence"]):
        return False
    if slot == slots.COACHING_GOAL:
        settings = load("texts")["interruptions"]
        if intent in (settings.get("goal_statements") or []):
            return False  # "ik wil beter leren presenteren" answers the goal question
        if kind == "knowledge":
            return reads_as_question(text)
        goal_like = load("texts")["interruptions"].get("goals_like_commands") or []
        return not any(re.search(pattern, text, flags=re.IGNORECASE) for pattern in goal_like)
    return True


def side_question(text: str) -> Optional[str]:
    """'waarom vraag je dat?' -> "why", 'wat bedoel je?' -> "meaning", 'hoe lang duurt dit?'
    -> "how_long": a question about the question itself (patterns in texts.yml)."""
    for kind, patterns in load("texts")["side_questions"]["patterns"].items():
        if any(re.search(pattern, text or "", flags=re.IGNORECASE) for pattern in patterns):
            return kind
    return None


def side_answer(slot: str, kind: str, remaining: int) -> str:
    """The answer to a question about the question for ``slot``; ``remaining`` counts this one."""
    from leercoach.coaching.data import join_words, text

    if kind == "why":
        return " ".join(question(slot)["why"].split())
    if kind == "meaning":
        if not is_choice(slot):
            return text("side_questions", "meaning_goal")
        labels = [f"'{option['label']}'" for option in options(slot)]
        return text("side_questions", "meaning", question=question(slot)["text"], options=join_words(labels))
    if kind == "how_long":
        if remaining <= 1:
            return text("side_questions", "how_long_last")
        return text("side_questions", "how_long", count=remaining)
    return text("side_questions", "other")


def correction(text: str, current: str, answers: Dict[str, Optional[str]]) -> Optional[tuple]:
    """(slot, value) when a message changes an earlier answer instead of answering ``current``.

    "eigenlijk liever samen met een collega" while the question about learning style is open
    changes "alleen" into "samen met anderen". Only answered choice questions count, and only
    when the message is no answer to the open question."""
    settings = load("texts")["corrections"]
    if interpret(current, text) is not None or reads_as_question(text):
        return None
    if not keyword_hits(text, settings["markers"]):
        return None
    for slot in question_order():
        if slot == current or not is_choice(slot) or answers.get(slot) is None:
            continue
        about = settings["about"].get(slot) or []
        if question(slot).get("yes_no") and not any(
            re.search(rf"\b{re.escape(w)}", text.lower()) for w in about
        ):
            continue  # "eigenlijk niet" says nothing about which yes/no question
        value = interpret(slot, text)
        if value is not None and value != answers.get(slot):
            return slot, value
    return None
