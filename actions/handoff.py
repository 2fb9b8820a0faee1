"""Hulpvragen: pass an employee's question on to HR, with the contact they choose to give.

Offer (Ja / Nee) → ``handoff_form``: the question (or the one just asked), then the contact →
store and confirm. "nee" or "stop" at any point stores nothing and says so. The question is
the (redacted) chat text; the contact arrives only as metadata of the widget's payload
``/handoff_contact`` (leercoach.channels.rest) together with the employee's consent, is read
here from the latest message in memory and goes straight into the review app's table
(leercoach.handoff.store). No slot, event, reply or log line ever holds it: the slot
``handoff_contact`` only records that a usable contact came with the latest message.

Slack and Teams have no form, and their text is redacted: there the offer says honestly how to
reach HR instead; in a channel or group chat, where others read along, only that the hulpvraag
belongs in a private chat (actions/_direct.py).

Limits, so the queue cannot be flooded: at most LEERCOACH_HANDOFF_MAX_PER_CONVERSATION per
conversation (the slot ``handoff_sent`` counts them) and LEERCOACH_HANDOFF_MAX_PER_HOUR from all
conversations together (counted in the queue's table, so it holds across servers). Past either,
the offer and the storing say so kindly, with how to reach HR directly.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._direct import refused_where_others_read
from actions._forms import leave_form
from leercoach import content, settings
from leercoach.coaching.flow import CoachingState
from leercoach.dialogue import slots
from leercoach.handoff import contact as contact_rules
from leercoach.handoff import store
from leercoach.privacy.redaction import redact
from leercoach.widget import protocol

logger = logging.getLogger(__name__)

FORM = "handoff_form"
OFFERED = slots.HANDOFF_OFFERED
QUESTION = slots.HANDOFF_QUESTION
CONTACT = slots.HANDOFF_CONTACT
CANCELLED = slots.HANDOFF_CANCELLED
SENT = slots.HANDOFF_SENT
CONTACT_GIVEN = "gegeven"  # the value of the slot: never the contact itself
# Channels whose client shows the contact form (the intranet widget).
FORM_CHANNELS = {protocol.WIDGET_CHANNEL}
CANCEL_INTENTS = {"deny", "stop_coaching"}
# Messages that are no question to pass on when looking back for "the question just asked".
NOT_A_QUESTION = {"affirm", "deny", "greet", "goodbye", "thanks", "stop_coaching", "continue_coaching"}
FORM_MARK = protocol.HANDOFF_FORM
MIN_QUESTION_WORDS = 2
# A request for HR itself ("ik wil iemand van HR spreken") is no question unless it says more.
MIN_HANDOFF_REQUEST_WORDS = 9


def _text(name: str, **values: Any) -> str:
    return content.handoff_text(name, **{**settings.text_values(), **values})


def _latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _latest_user_event(tracker: Tracker) -> Dict[str, Any]:
    return next((e for e in reversed(tracker.events) if e.get("event") == "user"), {})


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or _latest_user_event(tracker).get("input_channel") or ""


def _coaching_waits(tracker: Tracker) -> bool:
    return CoachingState.from_slots(tracker.slots).in_progress


def _closing(tracker: Tracker, text: str) -> str:
    if _coaching_waits(tracker):
        return f"{text}\n\n{content.handoff_text('coaching_waits')}"
    return text


def previous_question(tracker: Tracker) -> Optional[str]:
    """The question the employee typed just before the offer, if there is one (redacted text)."""
    seen = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        seen += 1
        if seen > 5:
            return None
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if not text or text.startswith("/") or intent in NOT_A_QUESTION:
            continue
        if intent == "human_handoff" and len(text.split()) < MIN_HANDOFF_REQUEST_WORDS:
            continue
        if len(text.split()) >= MIN_QUESTION_WORDS:
            return text
    return None


def _sent(tracker: Tracker) -> int:
    value = tracker.get_slot(SENT)
    return int(value) if isinstance(value, (int, float)) and value > 0 else 0


def limit_reached(tracker: Tracker) -> Optional[str]:
    """The friendly line when this conversation or the last hour already passed on the most
    hulpvragen allowed; None while there is room. The queue unreadable: room (storing will say)."""
    if _sent(tracker) >= settings.handoff_max_per_conversation():
        return _text("limit_conversation", max=settings.handoff_max_per_conversation())
    try:
        full = store.last_hour_count() >= settings.handoff_max_per_hour()
    except (store.HandoffStoreError, ValueError):
        return None
    return _text("limit_hour") if full else None


def _reset() -> List[EventType]:
    return [SlotSet(OFFERED, None), SlotSet(QUESTION, None), SlotSet(CONTACT, None), SlotSet(CANCELLED, None)]


class ActionHandoffOffer(Action):
    """'Ik wil iemand van HR spreken': offer to pass the question on (widget), or say how to reach HR."""

    def name(self) -> Text:
        return "action_handoff_offer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events = leave_form(tracker, unless=FORM)  # the coaching questions wait, as for any interruption
        if refused_where_others_read(dispatcher, tracker):
            return events + [SlotSet(OFFERED, False)]
        if _channel(tracker) not in FORM_CHANNELS:
            dispatcher.utter_message(text=_closing(tracker, _text("offer_elsewhere")))
            return events + [SlotSet(OFFERED, False)]
        limit = limit_reached(tracker)
        if limit is not None:
            dispatcher.utter_message(text=_closing(tracker, limit))
            return events + [SlotSet(OFFERED, False)]
        dispatcher.utter_message(
            text=_text("offer"),
            buttons=[
                {"title": _text("offer_yes"), "payload": "/affirm"},
                {"title": _text("offer_no"), "payload": "/deny"},
            ],
        )
        return events + [SlotSet(OFFERED, True), SlotSet(QUESTION, None), SlotSet(CANCELLED, None)]


class ActionHandoffCancel(Action):
    """'Nee' to the offer: nothing is passed on."""

    def name(self) -> Text:
        return "action_handoff_cancel"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=_closing(tracker, _text("cancelled")))
        return _reset()


class ActionAskHandoffQuestion(Action):
    def name(self) -> Text:
        return "action_ask_handoff_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        previous = previous_question(tracker)
        if previous is None:
            dispatcher.utter_message(text=_text("ask_question"))
        else:
            dispatcher.utter_message(
                text=_text("ask_question_previous", question=previous),
                buttons=[{"title": _text("use_previous"), "payload": "/affirm"}],
            )
        return []


class ActionAskHandoffContact(Action):
    """The widget shows the contact form from the custom payload: what is passed on, and consent."""

    def name(self) -> Text:
        return "action_ask_handoff_contact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=_text("ask_contact"))
        dispatcher.utter_message(
            json_message={
                protocol.PAYLOAD_KEY: {
                    "type": FORM_MARK,
                    "question": tracker.get_slot(QUESTION) or "",
                    "payload": protocol.HANDOFF_PAYLOAD,
                    "cancel_payload": protocol.HANDOFF_CANCEL_PAYLOAD,
                    "max_chars": store.CONTACT_MAX_CHARS,
                    "texts": content.handoff_form_texts(**settings.text_values()),
                }
            }
        )
        return []


class ValidateHandoffForm(FormValidationAction):
    """Reads the question and checks that a usable contact (with consent) came with the payload."""

    def name(self) -> Text:
        return "validate_handoff_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return [] if tracker.get_slot(CANCELLED) else domain_slots

    def _asked(self, tracker: Tracker, slot: str) -> bool:
        return tracker.active_loop.get("name") == FORM and tracker.get_slot(slots.REQUESTED) == slot

    async def extract_handoff_question(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not self._asked(tracker, QUESTION):
            return {}
        intent = _latest_intent(tracker)
        if intent in CANCEL_INTENTS:
            return {QUESTION: None, CANCELLED: True}
        text = (tracker.latest_message.get("text") or "").strip()
        if intent == "affirm":
            previous = previous_question(tracker)
            if previous is not None:
                return {QUESTION: previous}
        if text.startswith("/") or len(text.split()) < MIN_QUESTION_WORDS:
            dispatcher.utter_message(text=_text("question_missing"))
            return {QUESTION: None}
        return {QUESTION: text}

    async def extract_handoff_contact(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not self._asked(tracker, CONTACT):
            return {}
        intent = _latest_intent(tracker)
        if intent in CANCEL_INTENTS:
            return {CONTACT: None, CANCELLED: True}
        metadata = _latest_user_event(tracker).get("metadata") or {}
        if intent != "handoff_contact" or contact_rules.METADATA_CONTACT not in metadata:
            dispatcher.utter_message(text=_text("contact_typed"))
            return {CONTACT: None}
        if contact_rules.from_metadata(metadata) is None:
            dispatcher.utter_message(text=_text("contact_invalid"))
            return {CONTACT: None}
        return {CONTACT: CONTACT_GIVEN}


class ActionHandoffSubmit(Action):
    """The form is done: store the question with the contact and confirm, or say nothing was kept."""

    def name(self) -> Text:
        return "action_handoff_submit"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if tracker.get_slot(CANCELLED) or tracker.get_slot(CONTACT) != CONTACT_GIVEN:
            dispatcher.utter_message(text=_closing(tracker, _text("cancelled")))
            return _reset()
        given = contact_rules.from_metadata(_latest_user_event(tracker).get("metadata"))
        question = redact(tracker.get_slot(QUESTION) or "").text  # redacted at the channel already
        if given is None or not question.strip():
            dispatcher.utter_message(text=_closing(tracker, _text("failed")))
            return _reset()
        if _sent(tracker) >= settings.handoff_max_per_conversation():
            return self._say(
                dispatcher, tracker, _text("limit_conversation", max=settings.handoff_max_per_conversation())
            )
        try:
            store.save(_channel(tracker), question, given, settings.handoff_max_per_hour())
        except store.HourlyLimitReached:
            logger.warning("Hulpvraag not stored: LEERCOACH_HANDOFF_MAX_PER_HOUR reached.")
            return self._say(dispatcher, tracker, _text("limit_hour"))
        except (store.HandoffStoreError, ValueError) as problem:
            # The type only: nothing of the question or the contact in a log.
            logger.error("Hulpvraag not stored (%s).", type(problem).__name__)
            return self._say(dispatcher, tracker, _text("failed"))
        return self._say(dispatcher, tracker, _text("done")) + [SlotSet(SENT, _sent(tracker) + 1)]

    @staticmethod
    def _say(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> List[EventType]:
        dispatcher.utter_message(text=_closing(tracker, text))
        return _reset()
