"""What a stored Rasa event means for HR: pure functions over the event dicts Rasa stores.

One reading for the transcript page and for the summary sync, so a mark in the list (fallback,
clarification, coaching step, feedback) always matches what the transcript shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from leercoach import catalogue, settings
from leercoach.answering.fallback import clarification_candidates
from leercoach.coaching.flow import Phase
from leercoach.dialogue import slots

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_fallback"
FEEDBACK_INTENT = "answer_feedback"
FEEDBACK_VALUES = ("up", "down")
PHASE_SLOT, CHOSEN_SLOT, PLAN_SLOT, TOPIC_SLOT = (
    slots.COACHING_PHASE,
    slots.ROUTES_CHOSEN,
    slots.COACHING_PLAN,
    slots.LAST_TOPIC,
)


@dataclass(frozen=True)
class UserMessage:
    text: str
    intent: str
    confidence: float
    channel: str
    button: Optional[str]  # the payload's intent when the message came from a button
    fallback: bool  # the NLU did not know (nlu_fallback) and no clarification was asked
    clarification: Optional[Tuple[str, str]]  # the two topics Leercoach asked to choose between
    feedback: Optional[str]  # "up" / "down" for an answer-feedback message


def user_message(event: dict) -> UserMessage:
    parse = event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name") or ""
    text = event.get("text") or ""
    clarification = None
    if intent == FALLBACK_INTENT:
        thresholds = settings.fallback_thresholds()
        clarification = clarification_candidates(
            parse.get("intent_ranking") or [], thresholds.threshold, thresholds.ambiguity_threshold
        )
    feedback = None
    if intent == FEEDBACK_INTENT:
        values = [e.get("value") for e in parse.get("entities") or [] if e.get("entity") == "feedback"]
        feedback = values[0] if values and values[0] in FEEDBACK_VALUES else None
    return UserMessage(
        text=text,
        intent=intent,
        confidence=float((parse.get("intent") or {}).get("confidence") or 0.0),
        channel=event.get("input_channel") or "",
        button=intent if text.startswith("/") else None,
        fallback=intent == FALLBACK_INTENT and clarification is None,
        clarification=clarification,
        feedback=feedback,
    )


def topic_of(intent: str) -> Optional[str]:
    """The catalogue key a message was about (intents are named as the keys), else None."""
    return intent if catalogue.is_topic(intent) else None


def topic_title(key: str) -> str:
    return catalogue.topic(key).title if catalogue.is_topic(key) else key


@dataclass(frozen=True)
class CoachingStep:
    """A slot event that moves the coaching conversation on, as HR reads it."""

    started: bool = False
    questions_done: bool = False
    plan_made: bool = False
    routes_chosen: Tuple[str, ...] = ()


def coaching_step(event: dict) -> Optional[CoachingStep]:
    name, value = event.get("name"), event.get("value")
    phase = Phase.of(value) if name == PHASE_SLOT else None
    if phase is not None:
        return CoachingStep(
            started=phase == Phase.QUESTIONS,
            questions_done=phase == Phase.ROUTES,
            plan_made=phase == Phase.DONE,
        )
    if name == CHOSEN_SLOT and value:
        return CoachingStep(routes_chosen=tuple(str(v) for v in value))
    if name == PLAN_SLOT and value:
        return CoachingStep(plan_made=True)
    return None


_WORD = re.compile(r"[a-zà-ÿ]+")
_REDACTION_TOKEN = re.compile(r"\[[A-Z-]+\]")
# Words that say nothing about what was asked; without them similar questions share a key.
_STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "ik",
        "je",
        "jij",
        "u",
        "we",
        "wij",
        "ze",
        "zij",
        "hij",
        "mijn",
        "jouw",
        "is",
        "ben",
        "zijn",
        "was",
        "wat",
        "hoe",
        "waar",
        "wie",
        "waarom",
        "wanneer",
        "welke",
        "kan",
        "kun",
        "kunt",
        "mag",
        "moet",
        "wil",
        "wilt",
        "heb",
        "hebt",
        "heeft",
        "er",
        "in",
        "op",
        "aan",
        "van",
        "voor",
        "met",
        "om",
        "te",
        "tot",
        "bij",
        "naar",
        "over",
        "dat",
        "dit",
        "die",
        "deze",
        "niet",
        "geen",
        "ook",
        "nog",
        "al",
        "dan",
        "als",
        "maar",
        "me",
        "mij",
        "mn",
        "graag",
        "eens",
        "even",
        "toch",
        "dus",
        "zo",
    ]
)


def group_key(text: str) -> str:
    """Questions that differ only in word order, case, punctuation, filler words or endings after
    the sixth letter share a key: their content words, cut and sorted ("Hoe vraag ik verlof aan?",
    and "verlof vraag je hoe" both give "verlof vraag")."""
    words = {w for w in _WORD.findall(_REDACTION_TOKEN.sub(" ", text.lower())) if w not in _STOPWORDS}
    stems = sorted({w[:6] for w in words})  # a crude stem: "aanvragen" and "aanvraag" meet
    return " ".join(stems)[:200]


@dataclass
class Turn:
    """One row of the transcript: a user message with what followed it, or a bot message."""

    kind: str  # "user", "bot", "coaching"
    text: str = ""
    at: float = 0.0
    user: Optional[UserMessage] = None
    topic: Optional[str] = None
    core_fallback: bool = False
    buttons: List[str] = field(default_factory=list)
    coaching: Optional[CoachingStep] = None

    @property
    def topic_title(self) -> str:
        return topic_title(self.topic) if self.topic else ""

    @property
    def moment(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.at or 0, tz=dt.timezone.utc)


def turns(stored_events: List[dict]) -> List[Turn]:
    """The transcript of a conversation: user and bot messages in order, with their marks."""
    result: List[Turn] = []
    last_user: Optional[Turn] = None
    for event in stored_events:
        kind = event.get("event")
        if kind == "user":
            message = user_message(event)
            last_user = Turn(
                "user", message.text, event.get("timestamp", 0.0), message, topic_of(message.intent)
            )
            result.append(last_user)
        elif kind == "bot":
            buttons = [b.get("title", "") for b in (event.get("data") or {}).get("buttons") or []]
            result.append(Turn("bot", event.get("text") or "", event.get("timestamp", 0.0), buttons=buttons))
        elif kind == "action" and event.get("name") == FALLBACK_ACTION and last_user and last_user.user:
            if last_user.user.intent != FALLBACK_INTENT:
                last_user.core_fallback = True
        elif kind == "slot":
            if event.get("name") == TOPIC_SLOT and event.get("value") and last_user and not last_user.topic:
                last_user.topic = str(event["value"])  # "de tweede", "vertel meer": the topic resolved
            step = coaching_step(event)
            if step:
                result.append(Turn("coaching", at=event.get("timestamp", 0.0), coaching=step))
    return result
