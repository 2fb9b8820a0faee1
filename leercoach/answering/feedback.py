"""Answer feedback ("Had je hier iets aan?" 👍 / 👎), without Rasa.

A knowledge answer (a catalogue topic of the faq, kenmerk, drager or route group) carries a small
custom payload beside its text, :func:`offer`; the intranet widget puts the two buttons under that
answer. A click sends ``/answer_feedback{"feedback":"up"}`` (or ``"down"``); the message itself is
the event HR's review app counts per topic. The reply (:func:`reply`) thanks, or says sorry and
offers to rephrase or to ask HR, and carries :func:`received`, so the widget shows it in place of
the buttons. Only the widget's channel gets the offer (:func:`asks_channel`); Slack and Teams would
drop a custom payload anyway (``leercoach`` key), and `make shell` would print it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional

from leercoach import catalogue, content, settings
from leercoach.coaching.payload import entity_value
from leercoach.widget import protocol
from leercoach.widget.protocol import PAYLOAD_KEY

INTENT = "answer_feedback"
ENTITY = "feedback"
VALUES = ("up", "down")  # leercoach.review.reading reads the same two
KNOWLEDGE_GROUPS = ("faq", "kenmerk", "drager", "route")
# The channel of the intranet widget (leercoach.channels.rest). Only it has the buttons; Slack,
# Teams and `make shell` (Rasa's "cmdline", which would print the mark as JSON) never get the mark.
WIDGET_CHANNELS = (protocol.WIDGET_CHANNEL,)
# Which conversation texts (answers.yml ``conversation:``) answer which value; None: no valid value.
TEXTS = {"up": "feedback_up", "down": "feedback_down", None: "feedback_unclear"}


def offers_feedback(topic: Optional[str]) -> bool:
    """Only answers to knowledge topics get the buttons: not greetings, small talk, HR or privacy
    texts, fallbacks or coaching questions."""
    return bool(topic) and catalogue.is_topic(topic) and catalogue.topic(topic).group in KNOWLEDGE_GROUPS


def asks_channel(input_channel: Optional[str]) -> bool:
    """Whether the channel the person writes in shows the 👍 / 👎 buttons."""
    return input_channel in WIDGET_CHANNELS


def offer() -> dict:
    """The custom payload beside an answer: the widget offers 👍 / 👎 under it."""
    return {PAYLOAD_KEY: {"type": protocol.FEEDBACK_OFFER, "version": 1}}


def received(value: str) -> dict:
    """The custom payload beside the reply to a click: the widget shows the reply in place of the
    buttons instead of as a message of its own."""
    return {PAYLOAD_KEY: {"type": protocol.FEEDBACK_RECEIVED, "version": 1, "feedback": value}}


def value_of(entities: Optional[List[Mapping[str, Any]]]) -> Optional[str]:
    """``up`` or ``down`` from the message's entities; anything else (typed by hand: an unknown
    value, a list, a number, a huge string, no entity at all) is None."""
    return entity_value(entities or [], ENTITY, VALUES)


@dataclass(frozen=True)
class FeedbackReply:
    text: str
    custom: Optional[dict]  # None: a normal message (no click to answer in place of)


def _variant(variants: List[str], earlier: Iterable[str]) -> str:
    """The variant after the one used last in this conversation: two 👎 never get the same sorry."""
    earlier = [text.strip() for text in earlier]
    for said in reversed(earlier):
        if said in variants:
            return variants[(variants.index(said) + 1) % len(variants)]
    return variants[0]


def reply(value: Optional[str], earlier_bot_texts: Iterable[str] = ()) -> FeedbackReply:
    """The short Dutch reply to feedback ``value`` (None: not a value the widget sends)."""
    variants = content.variants(TEXTS[value], **settings.text_values())
    text = _variant(variants, earlier_bot_texts)
    return FeedbackReply(text, received(value) if value else None)
