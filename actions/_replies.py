"""Sends a rendered reply and records the list context it leaves behind."""

from typing import Any, Dict, List, Set

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from leercoach.answering import Reply, feedback
from leercoach.dialogue import slots


def asks_feedback(tracker: Tracker) -> bool:
    """Whether an answer in this conversation gets "Had je hier iets aan?": in the widget only."""
    return feedback.asks_channel(tracker.get_latest_input_channel())


def send(
    reply: Reply, dispatcher: CollectingDispatcher, offer_feedback: bool = False
) -> List[Dict[str, Any]]:
    """``offer_feedback`` (see :func:`asks_feedback`): an answer to a knowledge topic gets
    "Had je hier iets aan?" in the widget (a custom payload in its last message)."""
    offer = feedback.offer() if offer_feedback and feedback.offers_feedback(reply.answered) else None
    for number, message in enumerate(reply.messages, start=1):
        extra = {"json_message": offer} if offer and number == len(reply.messages) else {}
        dispatcher.utter_message(text=message["text"], buttons=message.get("buttons", []), **extra)
    if reply.last_topic is None:
        # Small talk, privacy or HR questions keep the list context of the topic before,
        # so "de tweede" still works after "wie leest dit mee?".
        return []
    return [
        SlotSet(slots.LAST_LIST, reply.last_list),
        SlotSet(slots.LAST_TOPIC, reply.last_topic),
        SlotSet(slots.MORE_SHOWN, reply.more_shown),
    ]


def just_said(tracker: Tracker) -> Set[str]:
    """The texts of Leercoach's previous turn (before the latest message)."""
    said: Set[str] = set()
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                break
        elif event.get("event") == "bot" and users_seen == 1 and event.get("text"):
            said.add(event["text"])
    return said
